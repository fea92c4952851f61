using Inspecta.Imaging;

namespace Inspecta.Datasets;

/// <summary>
/// One dataset item. Pixels are loaded on demand (a dataset of 900×900 images does not fit in memory
/// eagerly); in-memory samples (synthetic data, tests) set <see cref="Image"/> directly.
/// </summary>
/// <param name="Id">Stable id within its category and label, e.g. "000".</param>
/// <param name="Path">The image (or scan) file; empty for in-memory samples.</param>
/// <param name="Split">Train, validation or test.</param>
/// <param name="Label">"good" or the defect type (folder name).</param>
public sealed record Sample(string Id, string Path, Split Split, string Label)
{
    public const string GoodLabel = "good";

    public bool IsGood => Label == GoodLabel;

    /// <summary>Ground-truth masks; MVTec AD has one, MVTec LOCO AD one per annotated defect (channel).</summary>
    public IReadOnlyList<string> MaskPaths { get; init; } = [];

    /// <summary>Organised xyz scan (MVTec 3D-AD) or point cloud file, when the dataset has one.</summary>
    public string? GeometryPath { get; init; }

    /// <summary>Per-point ground truth file (Real3D-AD / Anomaly-ShapeNet <c>x y z label</c>).</summary>
    public string? PointLabelsPath { get; init; }

    /// <summary>In-memory pixels; when set, <see cref="LoadImage"/> returns it instead of reading <see cref="Path"/>.</summary>
    public ImageF? Image { get; init; }

    /// <summary>In-memory ground truth (union of all channels); overrides <see cref="MaskPaths"/>.</summary>
    public Mask? GroundTruth { get; init; }

    public ImageF LoadImage() => Image ?? ImageIO.Read(Path);

    public override string ToString() => $"{Split}/{Label}/{Id}";
}
