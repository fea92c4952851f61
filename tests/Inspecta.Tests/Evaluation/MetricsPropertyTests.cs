using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Tests.Evaluation;

public class MetricsPropertyTests
{
    private static readonly EvaluationOptions Options = new() { Category = "synthetic", ProThresholds = 50 };

    /// <summary>A small synthetic test set: good images, and defective ones with 1–3 rectangular defects.</summary>
    internal static List<EvaluatedImage> Synthetic(int seed, Func<Mask, Random, float[]> makeMap, int h = 24, int w = 32)
    {
        var rng = new Random(seed);
        var images = new List<EvaluatedImage>();
        for (int i = 0; i < 12; i++)
        {
            var gt = new Mask(h, w);
            if (i >= 4)
                for (int d = 0; d < 1 + i % 3; d++)
                {
                    int y0 = rng.Next(h - 4), x0 = rng.Next(w - 4), dh = rng.Next(1, 5), dw = rng.Next(1, 5);
                    for (int y = y0; y < y0 + dh; y++) for (int x = x0; x < x0 + dw; x++) gt[y, x] = 255;
                }
            var map = new AnomalyMap(h, w, makeMap(gt, rng));
            images.Add(EvaluatedImage.FromMap(i < 4 ? "good" : "defect", i.ToString("000"), map, gt));
        }
        return images;
    }

    private static float[] Noisy(Mask gt, Random rng)
    {
        var m = new float[gt.Data.Length];
        for (int p = 0; p < m.Length; p++) m[p] = rng.Next(0, 2048) / 1024f + (gt.Data[p] != 0 ? rng.Next(0, 2048) / 1024f : 0);
        return m;
    }

    [Fact]
    public void PerfectMapScoresOneEverywhere()
    {
        var images = Synthetic(1, (gt, _) => gt.Data.Select(b => b != 0 ? 1f : 0f).ToArray());
        var r = MetricsEvaluator.Evaluate(images, Options);
        Assert.Equal(1.0, r.ImageAuroc);
        Assert.Equal(1.0, r.PixelAuroc);
        Assert.Equal(1.0, r.PixelAp);
        Assert.Equal(1.0, r.ImageF1Max);
        Assert.Equal(1.0, r.PixelF1Max);
        foreach (var (_, v) in r.AuPro) Assert.Equal(1.0, v, 1e-12);
        foreach (var (_, v) in r.AuProEquidistant!) Assert.Equal(1.0, v, 1e-12);
    }

    [Fact]
    public void ConstantMapIsChance()
    {
        var images = Synthetic(2, (gt, _) => Enumerable.Repeat(0.25f, gt.Data.Length).ToArray());
        var r = MetricsEvaluator.Evaluate(images, Options);
        Assert.Equal(0.5, r.ImageAuroc);
        Assert.Equal(0.5, r.PixelAuroc);
        // One threshold: the curve jumps from (0,0) straight to (1,1), so the normalised area up to L is L/2.
        foreach (var (limit, v) in r.AuPro) Assert.Equal(limit / 2, v, 1e-12);
    }

    [Fact]
    public void InvariantUnderStrictlyMonotonicTransforms()
    {
        var images = Synthetic(3, Noisy);
        var cubed = images.Select(i =>
        {
            var m = new AnomalyMap(i.Map.Height, i.Map.Width, i.Map.Data.Select(v => (float)Math.Pow(v - 1.3, 3)).ToArray());
            return EvaluatedImage.FromMap(i.Label, i.Id, m, i.GroundTruth);
        }).ToList();
        Assert.Equal(images.SelectMany(i => i.Map.Data).Distinct().Count(), cubed.SelectMany(i => i.Map.Data).Distinct().Count());

        var a = MetricsEvaluator.Evaluate(images, Options);
        var b = MetricsEvaluator.Evaluate(cubed, Options);
        Assert.True(a.PixelAuroc is > 0.6 and < 0.99, $"synthetic maps should be imperfect, got {a.PixelAuroc}");
        Assert.Equal(a.ImageAuroc, b.ImageAuroc);
        Assert.Equal(a.PixelAuroc, b.PixelAuroc);
        Assert.Equal(a.PixelAp, b.PixelAp);
        Assert.Equal(a.PixelF1Max, b.PixelF1Max);
        Assert.Equal(a.AuPro, b.AuPro);
        Assert.Equal(a.AuProEquidistant, b.AuProEquidistant);
    }

    [Fact]
    public void TiedScoresFormOnePoint()
    {
        // Defect pixel tied with one good pixel: the curve must go (0,0) → (1/3, 1), not through (0, 1).
        var gt = new Mask(1, 4, [255, 0, 0, 0]);
        var map = new AnomalyMap(1, 4, [0.5f, 0.5f, 0.2f, 0.2f]);
        var r = MetricsEvaluator.Evaluate([EvaluatedImage.FromMap("defect", "0", map, gt)], Options);
        Assert.Equal(5.0 / 6, r.AuPro[1.0], 1e-7);
        Assert.Equal(0.45, r.AuPro[0.3], 1e-6);   // y interpolated at 0.3 on the segment to (1/3, 1)
        Assert.Equal(5.0 / 6, r.PixelAuroc, 1e-12); // a tie counts one half
        Assert.Equal(0.5, r.PixelAp, 1e-12);        // the only threshold reaching the defect also flags one good pixel

        // Image level: a good and a defective image with equal scores.
        var good = EvaluatedImage.FromMap("good", "1", new AnomalyMap(1, 4, [0.5f, 0, 0, 0]), new Mask(1, 4));
        var r2 = MetricsEvaluator.Evaluate([EvaluatedImage.FromMap("defect", "0", map, gt), good], Options);
        Assert.Equal(0.5, r2.ImageAuroc);
    }

    [Fact]
    public void RegionsAreEightConnectedAsInTheOfficialCode()
    {
        // A 2×2 and a 3×3 square touching only at a corner: one region under 8-connectivity, two under 4.
        var gt = new Mask(8, 8);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) gt[y, x] = 255;
        for (int y = 2; y < 5; y++) for (int x = 2; x < 5; x++) gt[y, x] = 255;
        var map = new AnomalyMap(8, 8);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) map[y, x] = 1; // only the small square is found
        var image = EvaluatedImage.FromMap("defect", "0", map, gt);

        Assert.Equal(2, ConnectedComponents.Label(gt, Connectivity.Four).Count);
        var r = MetricsEvaluator.Evaluate([image], Options);
        Assert.Equal(1, r.RegionCount);
        Assert.Equal(4.0 / 13, ThresholdReport.At([image], 0.5).Pro, 1e-12); // 4-connectivity would give 1/2
        // Exact curve: (0,0) → (0, 4/13) → (1, 1): AU-PRO up to 1 = 4/13 + (1 − 4/13)/2.
        Assert.Equal(4.0 / 13 + (1 - 4.0 / 13) / 2, r.AuPro[1.0], 1e-12);
    }

    [Fact]
    public void ExactCurveMatchesBruteForceThresholding()
    {
        var images = Synthetic(5, Noisy);
        var r = MetricsEvaluator.Evaluate(images, Options with { ExportCurves = true });
        var pro = r.Curves!.Single(c => c.Name == "pro");
        // Every kept curve point must equal PRO/FPR recomputed from scratch at its threshold.
        for (int k = 1; k < pro.Count; k += Math.Max(1, pro.Count / 25))
        {
            double t = pro.Thresholds[k];
            var report = ThresholdReport.At(images, Math.BitDecrement(t)); // curve points count score ≥ t
            Assert.Equal(report.Pro, pro.Y[k], 1e-9);
            Assert.Equal(report.PixelFpr, pro.X[k], 1e-6);
        }
    }

    [Fact]
    public void RejectsNonFiniteScoresAndBadLimits()
    {
        var images = Synthetic(6, Noisy);
        images[5].Map.Data[7] = float.NaN;
        var ex = Assert.Throws<InspectaUserException>(() => MetricsEvaluator.Evaluate(images, Options));
        Assert.Contains("defect/005", ex.Message);
        Assert.Throws<InspectaUserException>(() => EvaluationOptions.ParseLimits("0.3,1.5"));
        Assert.Throws<InspectaUserException>(() => EvaluationOptions.ParseLimits("0.3,abc"));
        Assert.Equal([0.05, 0.3], EvaluationOptions.ParseLimits("0.05, 0.3"));
    }

    [Fact]
    public void JsonHasExactlyTheAgreedKeys()
    {
        var r = MetricsEvaluator.Evaluate(Synthetic(7, Noisy), new EvaluationOptions { Category = "c" });
        var node = r.ToJsonNode();
        Assert.Equal(["category", "n_images", "n_regions", "image_auroc", "pixel_auroc", "pixel_ap", "au_pro", "image_f1_max", "pixel_f1_max"],
            node.Select(kv => kv.Key).ToArray());
        Assert.Equal(["0.01", "0.05", "0.1", "0.3", "1.0"], node["au_pro"]!.AsObject().Select(kv => kv.Key).ToArray());
        Assert.Null(node["au_pro_equidistant"]);
    }
}
