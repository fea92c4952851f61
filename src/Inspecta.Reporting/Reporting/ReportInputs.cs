using System.Globalization;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>Builds a <see cref="ReportInput"/> from the evaluation's result and its evaluated images.</summary>
public static class ReportInputs
{
    /// <summary>
    /// Summary rows for every metric in <paramref name="result"/> (AU-PRO once per integration limit),
    /// curves when the evaluation kept them (<see cref="EvaluationOptions.ExportCurves"/>), and the gallery.
    /// </summary>
    public static ReportInput FromEvaluation(EvaluationResult result, IReadOnlyList<GalleryItem> items, ReportThreshold? threshold,
        string title, IReadOnlyList<KeyValuePair<string, string>>? context = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var metrics = new List<ReportMetric>
        {
            new("image AUROC", result.ImageAuroc, "image score = maximum of the map unless the method defines its own"),
            new("pixel AUROC", result.PixelAuroc, "all test pixels pooled"),
            new("pixel average precision", result.PixelAp, "all test pixels pooled"),
        };
        foreach (var (limit, v) in result.AuPro.OrderBy(kv => kv.Key))
            metrics.Add(new($"AU-PRO@{limit.ToString("0.###", inv)}", v, $"exact PRO curve, FPR integration limit {limit.ToString("0.###", inv)}, normalised by the limit"));
        if (result.AuProEquidistant is not null)
            foreach (var (limit, v) in result.AuProEquidistant.OrderBy(kv => kv.Key))
                metrics.Add(new($"AU-PRO@{limit.ToString("0.###", inv)} (equidistant)", v, $"{result.ProThresholds} equidistant thresholds (MVTec 3D-AD variant), FPR limit {limit.ToString("0.###", inv)}"));
        metrics.Add(new("image F1-max", result.ImageF1Max, $"at image threshold {result.ImageF1Threshold.ToString("G5", inv)} (chosen on the test set)"));
        metrics.Add(new("pixel F1-max", result.PixelF1Max, $"at pixel threshold {result.PixelF1Threshold.ToString("G5", inv)} (chosen on the test set)"));
        metrics.Add(new("test images", result.ImageCount, null, "0"));
        metrics.Add(new("ground-truth regions", result.RegionCount, "8-connected", "0"));

        Curve? Find(string name) => result.Curves?.FirstOrDefault(c => c.Name == name);
        ReportCurve? Plot(Curve? c, double? area) => c is null ? null : new ReportCurve(c.X, c.Y, area);

        // Mark the headline limit (0.3) first, then the smaller ones; 1.0 is the whole axis.
        var limits = result.AuPro.Keys.Where(l => l < 1.0).OrderBy(l => l == EvaluationOptions.DefaultLimit ? 0 : 1).ThenByDescending(l => l).ToArray();
        double? headline = limits.Length > 0 ? result.AuPro[limits[0]] : null;

        return new ReportInput
        {
            Title = title,
            Context = context ?? [new("category", result.Category)],
            Metrics = metrics,
            ImageRoc = Plot(Find("image_roc"), result.ImageAuroc),
            PixelRoc = Plot(Find("pixel_roc"), result.PixelAuroc),
            Pro = Plot(Find("pro"), headline),
            ProLimits = limits,
            Threshold = threshold,
            // The test set's F1-optimal thresholds: an oracle, shown beside the calibrated rule (and judging only without one).
            Oracle = double.IsFinite(result.ImageF1Threshold)
                ? new ReportThreshold((float)result.ImageF1Threshold,
                    $"oracle: image threshold F1-optimal on this test set (image F1 {result.ImageF1Max.ToString("F3", inv)}); not available in production")
                  { Pixel = double.IsFinite(result.PixelF1Threshold) ? (float)result.PixelF1Threshold : null, IsOracle = true }
                : null,
            Items = items,
        };
    }

    /// <summary>A gallery item backed by an evaluated image (its map and ground truth are already in memory).</summary>
    public static GalleryItem Item(EvaluatedImage image, Func<ImageF> loadImage, string? sourcePath = null)
    {
        Mask? gt = MetricsEvaluator.HasDefect(image.GroundTruth) ? image.GroundTruth : null;
        return new GalleryItem(image.Id, image.Label, image.Score)
        {
            LoadImage = loadImage,
            LoadMap = () => image.Map,
            LoadGroundTruth = () => gt,
            SourcePath = sourcePath,
        };
    }

    /// <summary>
    /// Evaluates <paramref name="images"/> (curves kept) and builds the report; each image's pixels are
    /// loaded on demand from the test sample with the same label and id.
    /// </summary>
    public static ReportInput FromEvaluatedImages(IReadOnlyList<EvaluatedImage> images, IReadOnlyList<Sample> samples, EvaluationOptions options,
        ReportThreshold? threshold, string title, IReadOnlyList<KeyValuePair<string, string>>? context = null, IProgress<ProgressUpdate>? progress = null)
    {
        var result = MetricsEvaluator.Evaluate(images, options with { ExportCurves = true }, progress);
        var byKey = samples.ToDictionary(s => (s.Label, s.Id));
        var items = images.Select(e =>
        {
            var sample = byKey.TryGetValue((e.Label, e.Id), out var s) ? s
                : throw new InvalidOperationException($"No test sample {e.Label}/{e.Id} for the evaluated image.");
            return Item(e, sample.LoadImage, string.IsNullOrEmpty(sample.Path) ? null : sample.Path);
        }).ToArray();
        return FromEvaluation(result, items, threshold, title, context);
    }
}
