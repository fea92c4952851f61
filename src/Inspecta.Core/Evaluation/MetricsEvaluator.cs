using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// Evaluates a category in the MVTec AD protocol: image AUROC and F1-max from the image scores; pixel AUROC, AP
/// and F1-max over all test pixels pooled; exact AU-PRO (8-connected ground-truth regions, every distinct score a
/// threshold, trapezoid up to each limit with interpolation at the limit, divided by the limit); optionally the
/// equidistant-threshold AU-PRO. All pixel metrics come from one radix-sorted sweep.
/// </summary>
public static class MetricsEvaluator
{
    public static EvaluationResult Evaluate(IReadOnlyList<EvaluatedImage> images, EvaluationOptions options, IProgress<ProgressUpdate>? progress = null)
    {
        options.Validate();
        if (images.Count == 0) throw new InspectaUserException("No test images to evaluate.");

        var scores = new float[images.Count];
        var defective = new bool[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            scores[i] = images[i].Score;
            defective[i] = HasDefect(images[i].GroundTruth);
        }
        RankingResult image = RankingMetrics.Compute(scores, defective);

        var pixels = SortedPixelScores.FromRegions(images, Connectivity.Eight, progress);
        progress?.Report(new ProgressUpdate("sweep", 0, 1));
        var sink = new PixelMetricsSink(pixels.NegativeCount, pixels.PositiveCount, pixels.RegionCount, options.Limits, options.ExportCurves);
        pixels.Sweep(ref sink);
        PixelMetrics pixel = sink.Finish();
        progress?.Report(new ProgressUpdate("sweep", 1, 1));

        var curves = new List<Curve>();
        if (options.ExportCurves && pixel.Curves is not null) { curves.AddRange(pixel.Curves); curves.Add(image.Roc); }
        Dictionary<double, double>? equidistant = null;
        if (options.ProThresholds is int n)
        {
            var (values, curve) = EquidistantPro.Compute(pixels, n, options.Limits);
            equidistant = ByLimit(options.Limits, values);
            if (options.ExportCurves) curves.Add(curve);
        }

        return new EvaluationResult(
            options.Category, images.Count, pixels.RegionCount,
            image.Auroc, pixel.Auroc, pixel.AveragePrecision,
            ByLimit(options.Limits, pixel.AuPro),
            image.F1Max, pixel.F1Max)
        {
            AuProEquidistant = equidistant,
            ProThresholds = options.ProThresholds,
            ImageF1Threshold = image.F1Threshold,
            PixelF1Threshold = pixel.F1Threshold,
            Curves = options.ExportCurves ? curves : null,
        };
    }

    /// <summary>An image is defective iff its ground truth has a non-zero pixel (the official labelling).</summary>
    public static bool HasDefect(Mask groundTruth) => groundTruth.Data.AsSpan().IndexOfAnyExcept((byte)0) >= 0;

    internal static Dictionary<double, double> ByLimit(IReadOnlyList<double> limits, double[] values)
    {
        var d = new Dictionary<double, double>();
        for (int k = 0; k < limits.Count; k++) d[limits[k]] = values[k];
        return d;
    }
}
