using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>One row of the report's summary table, e.g. ("AU-PRO", 0.91, "FPR limit 0.3").</summary>
/// <param name="Format">.NET number format; null = four decimals (use "0" for counts).</param>
public sealed record ReportMetric(string Name, double Value, string? Note = null, string? Format = null);

/// <summary>A curve to plot: x and y of equal length (e.g. FPR and TPR), and its area when known.</summary>
public sealed record ReportCurve(double[] X, double[] Y, double? Area = null)
{
    public static ReportCurve From(IReadOnlyList<double> x, IReadOnlyList<double> y, double? area = null)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Curve has {x.Count} x values but {y.Count} y values.");
        return new([.. x], [.. y], area);
    }
}

/// <summary>
/// One test image in the gallery. Pixels are loaded on demand and dropped after rendering, so a
/// whole category never sits in memory at once.
/// </summary>
/// <param name="Id">Id within its label, e.g. "003".</param>
/// <param name="Label">"good" or the defect type.</param>
/// <param name="Score">Image anomaly score.</param>
public sealed record GalleryItem(string Id, string Label, float Score)
{
    public required Func<ImageF> LoadImage { get; init; }
    /// <summary>The anomaly map (any size; resized to the image), or null when the method gives none.</summary>
    public required Func<AnomalyMap?> LoadMap { get; init; }
    /// <summary>Ground truth at image size, or null for good images / no annotation.</summary>
    public Func<Mask?> LoadGroundTruth { get; init; } = () => null;
    /// <summary>Where the input came from (shown as a tooltip), e.g. the dataset file.</summary>
    public string? SourcePath { get; init; }

    public bool IsGood => Label == Sample.GoodLabel;
}

/// <summary>The decision the report judges images and pixels with, and where it came from.</summary>
/// <param name="Value">Without a <see cref="Rule"/>: image score at or above which an image is called defective (the
/// test-optimal oracle of maps evaluated without any calibration). With a rule: its pixel threshold.</param>
/// <param name="Source">Human description, e.g. "stored max-area (21 good validation images)".</param>
public sealed record ReportThreshold(float Value, string Source)
{
    /// <summary>Optional separate pixel threshold for the predicted mask; defaults to <see cref="Value"/>.</summary>
    public float? Pixel { get; init; }
    public float PixelValue => Pixel ?? Value;
    /// <summary>The decision rule <c>predict</c> applies (verdict and mask from the map); null for an image-score threshold.</summary>
    public VerdictRule? Rule { get; init; }
    /// <summary>True for a threshold chosen on the test set itself: shown only as an oracle, never as the model's accuracy.</summary>
    public bool IsOracle { get; init; }

    /// <summary>The report's view of <paramref name="rule"/>: verdicts and masks exactly as <c>predict</c> makes them.</summary>
    public static ReportThreshold From(VerdictRule rule) =>
        new((float)rule.PixelThreshold, $"{rule.Describe()}; {rule.Source}") { Pixel = (float)rule.PixelThreshold, Rule = rule };
}

/// <summary>Everything the HTML report shows. Build it from an evaluation (see <see cref="ReportInputs"/>).</summary>
public sealed record ReportInput
{
    public required string Title { get; init; }
    /// <summary>Key facts shown under the title: dataset, category, method, model file, date …</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Context { get; init; } = [];
    public IReadOnlyList<ReportMetric> Metrics { get; init; } = [];
    public ReportCurve? ImageRoc { get; init; }
    public ReportCurve? PixelRoc { get; init; }
    /// <summary>PRO (y) against pixel FPR (x), the full curve up to FPR 1.</summary>
    public ReportCurve? Pro { get; init; }
    /// <summary>FPR integration limits of AU-PRO to mark on the PRO plot (the first is the headline one).</summary>
    public IReadOnlyList<double> ProLimits { get; init; } = [0.3];
    public ReportThreshold? Threshold { get; init; }
    /// <summary>The image threshold with the best F1 on this very test set, shown beside <see cref="Threshold"/> labelled as an
    /// oracle (it is not available in production); it judges the gallery only when no calibrated threshold exists.</summary>
    public ReportThreshold? Oracle { get; init; }
    public IReadOnlyList<GalleryItem> Items { get; init; } = [];
    /// <summary>Fixed heat-map colour range for every image; null = min and max over all maps.</summary>
    public (float Lo, float Hi)? MapRange { get; init; }
}
