using Inspecta.Datasets;
using Inspecta.Evaluation;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>One category to benchmark on: good training images, good validation images for threshold
/// calibration (may be empty), and the labelled test set.</summary>
public sealed record BenchCategory(string Name, IReadOnlyList<Sample> Train, IReadOnlyList<Sample> Validation, IReadOnlyList<Sample> Test)
{
    /// <summary>MVTec LOCO AD saturation rules: when set, the category is scored with the LOCO protocol
    /// (AU-sPRO and image AUROC on structural and logical anomalies) instead of the MVTec AD one.</summary>
    public IReadOnlyList<DefectSaturation>? LocoDefects { get; init; }

    /// <summary>False for image-level labels only (no masks): only image AUROC is measured.</summary>
    public bool HasPixelGroundTruth { get; init; } = true;

    /// <summary>A bench category from a dataset category, in the protocol of its layout.</summary>
    public static BenchCategory From(Category category) =>
        new(category.Name, category.RequireTrain(), category.Validation, category.Test)
        {
            LocoDefects = category.Format == DatasetFormat.MvtecLoco ? DefectSaturation.FromCategory(category) : null,
            HasPixelGroundTruth = category.HasPixelGroundTruth,
        };
}
