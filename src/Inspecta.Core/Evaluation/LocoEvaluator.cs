using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// MVTec LOCO AD evaluation: AU-sPRO and image AUROC on {structural anomalies + all good images} and on
/// {logical anomalies + all good images}, and their means. Every ground-truth channel is one region (it may be
/// disconnected); it saturates after <see cref="DefectSaturation.SaturationArea"/> true-positive pixels; false
/// positives are pixels outside the union of an image's channels. The curve is exact over every distinct score
/// (the official code approximates it by adaptive threshold refinement to within 1e-3).
/// </summary>
public static class LocoEvaluator
{
    public const string Structural = "structural_anomalies", Logical = "logical_anomalies";

    public static LocoEvaluationResult Evaluate(
        IReadOnlyList<EvaluatedImage> images,
        IReadOnlyList<DefectSaturation> defects,
        EvaluationOptions options,
        IProgress<ProgressUpdate>? progress = null)
    {
        options.Validate();
        if (images.Count == 0) throw new InspectaUserException("No test images to evaluate.");
        var rules = defects.ToDictionary(d => d.PixelValue);
        foreach (var image in images)
            if (image.Label is not (Sample.GoodLabel or Structural or Logical))
                throw new InspectaUserException($"{image}: MVTec LOCO AD test images are 'good', '{Structural}' or '{Logical}', not '{image.Label}'.");

        var good = images.Where(i => i.Label == Sample.GoodLabel).ToList();
        var structural = EvaluateSubset(Structural, good, images, rules, options, progress);
        var logical = EvaluateSubset(Logical, good, images, rules, options, progress);

        var mean = new Dictionary<double, double>();
        foreach (double limit in options.Limits) mean[limit] = 0.5 * (structural.AuSpro[limit] + logical.AuSpro[limit]);
        var curves = new List<Curve>();
        if (options.ExportCurves)
            foreach (var s in new[] { structural, logical }) curves.AddRange(s.Curves);

        return new LocoEvaluationResult(
            options.Category, images.Count,
            structural.Regions, logical.Regions,
            structural.AuSpro, logical.AuSpro, mean,
            structural.ImageAuroc, logical.ImageAuroc, 0.5 * (structural.ImageAuroc + logical.ImageAuroc))
        {
            Curves = options.ExportCurves ? curves : null,
        };
    }

    private sealed record SubsetResult(int Regions, Dictionary<double, double> AuSpro, double ImageAuroc, List<Curve> Curves);

    private static SubsetResult EvaluateSubset(
        string type, List<EvaluatedImage> good, IReadOnlyList<EvaluatedImage> all,
        Dictionary<int, DefectSaturation> rules, EvaluationOptions options, IProgress<ProgressUpdate>? progress)
    {
        var subset = new List<EvaluatedImage>(good);
        subset.AddRange(all.Where(i => i.Label == type));
        string shortName = type == Structural ? "structural" : "logical";

        var scores = subset.Select(i => i.Score).ToArray();
        var positive = subset.Select(i => i.Label == type).ToArray();
        var ranking = RankingMetrics.Compute(scores, positive, $"image_roc_{shortName}");

        var pixels = BuildEvents(subset, rules, progress);
        var sink = new SproSink(pixels.NegativeCount, pixels.RegionCount, options.Limits, options.ExportCurves ? $"spro_{shortName}" : null);
        pixels.Sweep(ref sink);
        var (areas, curve) = sink.Finish();

        var curves = new List<Curve>();
        if (curve is not null) curves.Add(curve);
        if (options.ExportCurves) curves.Add(ranking.Roc);
        return new SubsetResult(pixels.RegionCount, MetricsEvaluator.ByLimit(options.Limits, areas), ranking.Auroc, curves);
    }

    /// <summary>
    /// Negatives: pixels outside every channel (taken from the images' union ground truth, which must agree with
    /// the channels). Events: per channel, its pixels from the highest score down, the k-th adding
    /// min(k/s, 1) − min((k−1)/s, 1) (so a region's sum at any threshold is its saturated overlap). Pixels past
    /// saturation add nothing and are dropped.
    /// </summary>
    private static SortedPixelScores BuildEvents(List<EvaluatedImage> subset, Dictionary<int, DefectSaturation> rules, IProgress<ProgressUpdate>? progress)
    {
        var events = new List<ulong>();
        var weights = new List<double>();
        int regions = 0;
        var withUnion = new List<EvaluatedImage>(subset.Count);
        foreach (var image in subset)
        {
            SortedPixelScores.CheckSizes(image);
            float[] map = image.Map.Data;
            var channels = image.Channels ?? [];
            if (channels.Count == 0 && MetricsEvaluator.HasDefect(image.GroundTruth))
                throw new InspectaUserException($"{image}: MVTec LOCO AD evaluation needs the ground-truth channels (one mask per defect).");
            var union = channels.Count == 0 ? image.GroundTruth : new Mask(image.Map.Height, image.Map.Width);
            foreach (var channel in channels)
            {
                if (channel.Height != image.Map.Height || channel.Width != image.Map.Width)
                    throw new InspectaUserException($"{image}: a ground-truth channel is {channel.Width}×{channel.Height} but the map is {image.Map.Width}×{image.Map.Height}.");
                var rule = RuleOf(image, channel, rules);
                var regionScores = new List<float>();
                for (int p = 0; p < map.Length; p++)
                {
                    if (channel.Data[p] == 0) continue;
                    union.Data[p] = 255;
                    float v = map[p];
                    if (!float.IsFinite(v)) throw SortedPixelScores.NotFinite(image, p);
                    regionScores.Add(v);
                }
                regions++;
                double s = rule.SaturationArea(regionScores.Count);
                regionScores.Sort((a, b) => b.CompareTo(a));
                for (int k = 1; k <= regionScores.Count; k++)
                {
                    double w = Math.Min(k / s, 1.0) - Math.Min((k - 1) / s, 1.0);
                    if (w <= 0) break;
                    events.Add(((ulong)ScoreKey.Descending(regionScores[k - 1]) << 32) | (uint)weights.Count);
                    weights.Add(w);
                }
            }
            withUnion.Add(image with { GroundTruth = union });
        }
        return SortedPixelScores.NegativesOf(withUnion, [.. events], [.. weights], regions, progress);
    }

    private static DefectSaturation RuleOf(EvaluatedImage image, Mask channel, Dictionary<int, DefectSaturation> rules)
    {
        int value = 0;
        foreach (byte b in channel.Data)
        {
            if (b == 0) continue;
            if (value == 0) value = b;
            else if (b != value) throw new InspectaUserException($"{image}: a ground-truth channel holds several defect values ({value} and {b}); each channel must hold one.");
        }
        if (value == 0) throw new InspectaUserException($"{image}: a ground-truth channel is empty.");
        return rules.TryGetValue(value, out var rule)
            ? rule
            : throw new InspectaUserException($"{image}: ground-truth pixel value {value} is not in the defects config ({string.Join(", ", rules.Keys.Order())}).");
    }
}
