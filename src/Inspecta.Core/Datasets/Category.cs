namespace Inspecta.Datasets;

/// <summary>
/// One object or texture class with its splits. <see cref="Train"/> holds only good samples;
/// <see cref="Validation"/> good samples from the layout's validation folder or, when it has none,
/// a seeded 10% carved out of train (<see cref="ValidationCarved"/>); <see cref="Test"/> good and defect samples.
/// </summary>
public sealed record Category(
    string Name,
    string Path,
    DatasetFormat Format,
    IReadOnlyList<Sample> Train,
    IReadOnlyList<Sample> Validation,
    IReadOnlyList<Sample> Test)
{
    /// <summary>True when <see cref="Validation"/> was carved from the train folder rather than read from a validation folder.</summary>
    public bool ValidationCarved { get; init; }

    /// <summary>MVTec LOCO AD's <c>defects_config.json</c> (pixel value → defect type and saturation), when present.</summary>
    public LocoDefectsConfig? DefectsConfig { get; init; }

    /// <summary>Whether the category is a known texture (<see cref="TextureCategories"/>).</summary>
    public bool IsTexture => TextureCategories.Contains(Name);

    /// <summary>False for layouts/folders that carry only image-level labels (no masks at all).</summary>
    public bool HasPixelGroundTruth { get; init; } = true;

    /// <summary>The train samples, or a user error when there are none (evaluation-only folders cannot be fitted).</summary>
    public IReadOnlyList<Sample> RequireTrain() =>
        Train.Count > 0 ? Train
        : throw InspectaUserException.ForFile(Path, $"category '{Name}' has no training images (expected good images in its train folder); it can be evaluated but not fitted.");

    /// <summary>Test samples grouped by label ("good" first, then defect types by name).</summary>
    public IReadOnlyList<string> TestLabels =>
        Test.Select(s => s.Label).Distinct().OrderBy(l => l == Sample.GoodLabel ? 0 : 1).ThenBy(l => l, StringComparer.Ordinal).ToList();

    public override string ToString() => $"{Name} ({Format.ToName()}): train {Train.Count}, validation {Validation.Count}, test {Test.Count}";
}
