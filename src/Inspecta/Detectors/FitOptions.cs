namespace Inspecta.Detectors;

/// <summary>
/// Options a user can give to <c>inspecta fit</c>. Each method reads the ones it understands and
/// ignores the rest; null means "the method's default".
/// </summary>
public sealed record FitOptions
{
    public int Seed { get; init; }
    /// <summary>Square input size the method resizes to (e.g. 224); null = method default.</summary>
    public int? ImageSize { get; init; }
    /// <summary>Backbone path or preset name (resolved by the features layer).</summary>
    public string? Backbone { get; init; }
    public IReadOnlyList<string>? Layers { get; init; }
    /// <summary>Resize to 8/7 of the image size, then center crop (the papers' 256 → 224 protocol).</summary>
    public bool CenterCrop { get; init; }
    /// <summary>PatchCore: fraction of patches kept by the greedy coreset (0 &lt; r ≤ 1; default 0.1).</summary>
    public double? CoresetRatio { get; init; }
    /// <summary>PatchCore: bank neighbours used to re-weight the image score (1 = plain maximum; default 3).</summary>
    public int? NumNeighbours { get; init; }
    /// <summary>PaDiM: random channel subset size (default 100 for ResNet-18-like, 550 for 50-layer nets).</summary>
    public int? FeatureChannels { get; init; }
    /// <summary>PaDiM: refuse to fit when the estimated memory exceeds this many bytes (default 8 GB).</summary>
    public long? MaxMemoryBytes { get; init; }
    /// <summary>SPADE: number of nearest training images (default 50).</summary>
    public int? TopImages { get; init; }
}
