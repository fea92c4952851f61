using Inspecta.Datasets;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Evaluation;

public class LocoEvaluatorTests
{
    private static readonly DefectSaturation Whole = new("scratch", 255, 1.0, Relative: true);

    /// <summary>Relabels a synthetic MVTec-style set as LOCO: one channel per 8-connected region.</summary>
    private static List<EvaluatedImage> AsLoco(List<EvaluatedImage> images, byte value) =>
        images.Select((img, i) =>
        {
            string label = img.Label == "good" ? "good" : i % 2 == 0 ? LocoEvaluator.Structural : LocoEvaluator.Logical;
            var (labels, count) = ConnectedComponents.Label(img.GroundTruth, Connectivity.Eight);
            var channels = Enumerable.Range(1, count).Select(k =>
                new Mask(img.GroundTruth.Height, img.GroundTruth.Width, labels.Select(l => l == k ? value : (byte)0).ToArray())).ToList();
            return img with { Label = label, Channels = count > 0 ? channels : null };
        }).ToList();

    [Fact]
    public void WholeAreaSaturationEqualsPro()
    {
        var images = AsLoco(MetricsPropertyTests.Synthetic(11, (gt, rng) =>
            gt.Data.Select(b => rng.Next(0, 1000) / 500f + (b != 0 ? 0.8f : 0f)).ToArray()), 255);
        var loco = LocoEvaluator.Evaluate(images, [Whole], new EvaluationOptions());
        foreach (string type in new[] { LocoEvaluator.Structural, LocoEvaluator.Logical })
        {
            var subset = images.Where(i => i.Label is "good" || i.Label == type).ToList();
            var pro = MetricsEvaluator.Evaluate(subset, new EvaluationOptions());
            var spro = type == LocoEvaluator.Structural ? loco.AuSproStructural : loco.AuSproLogical;
            double auroc = type == LocoEvaluator.Structural ? loco.ImageAurocStructural : loco.ImageAurocLogical;
            foreach (var (limit, v) in pro.AuPro) Assert.Equal(v, spro[limit], 1e-6); // PRO rounds its FPR to float32 like the official code
            Assert.Equal(pro.ImageAuroc, auroc, 1e-12);
        }
        foreach (var (limit, v) in loco.AuSproMean) Assert.Equal(0.5 * (loco.AuSproStructural[limit] + loco.AuSproLogical[limit]), v, 1e-15);
    }

    [Fact]
    public void AbsoluteSaturationCapsTheRequiredOverlap()
    {
        // One 10×10 defect; the map finds only 10 of its pixels (and nothing else).
        var gt = new Mask(20, 20);
        for (int y = 5; y < 15; y++) for (int x = 5; x < 15; x++) gt[y, x] = 200;
        var map = new AnomalyMap(20, 20);
        for (int x = 5; x < 15; x++) map[5, x] = 1;
        var defect = EvaluatedImage.FromMap(LocoEvaluator.Logical, "0", map, gt) with { Channels = [gt] };
        var good = EvaluatedImage.FromMap("good", "1", new AnomalyMap(20, 20), new Mask(20, 20));
        var structural = EvaluatedImage.FromMap(LocoEvaluator.Structural, "2", map, gt) with { Channels = [gt] };

        var saturated = LocoEvaluator.Evaluate([defect, good, structural], [new DefectSaturation("missing", 200, 10, false), Whole], new EvaluationOptions());
        var unsaturated = LocoEvaluator.Evaluate([defect, good, structural], [new DefectSaturation("missing", 200, 1.0, true)], new EvaluationOptions());
        // Saturated: the curve reaches sPRO 1 at FPR 0, so the area is 1 at every limit.
        Assert.Equal(1.0, saturated.AuSproLogical[0.05], 1e-12);
        // Unsaturated: sPRO = 0.1 until the zero-score threshold jumps to (1, 1).
        Assert.Equal(0.1 + 0.9 * 0.05 / 2, unsaturated.AuSproLogical[0.05], 1e-12);
    }

    [Fact]
    public void RejectsChannelsOutsideTheConfigAndUnknownLabels()
    {
        var gt = new Mask(4, 4);
        gt[1, 1] = 77;
        var map = new AnomalyMap(4, 4);
        var img = EvaluatedImage.FromMap(LocoEvaluator.Structural, "003", map, gt) with { Channels = [gt] };
        var ex = Assert.Throws<InspectaUserException>(() => LocoEvaluator.Evaluate([img], [Whole], new EvaluationOptions()));
        Assert.Contains("structural_anomalies/003", ex.Message);
        Assert.Contains("77", ex.Message);
        Assert.Throws<InspectaUserException>(() => LocoEvaluator.Evaluate([img with { Label = "crack" }], [Whole], new EvaluationOptions()));
    }

    [Fact]
    public void SaturationAreaFollowsTheOfficialRule()
    {
        Assert.Equal(150, new DefectSaturation("a", 1, 0.5, true).SaturationArea(301));  // int(0.5·301)
        Assert.Equal(300, new DefectSaturation("a", 1, 300, false).SaturationArea(1000));
        Assert.Equal(120, new DefectSaturation("a", 1, 300, false).SaturationArea(120)); // min(t, area)
        Assert.Equal(1, new DefectSaturation("a", 1, 0.1, true).SaturationArea(5));      // int(0.5) = 0 → clamped
    }

    [Fact]
    public void DefectsConfigIsParsedOnceAndBadEntriesNameTheFile()
    {
        using var tmp = new TempDir();
        string cfg = tmp["cfg.json"];
        File.WriteAllText(cfg, """[{"defect_name":"x","pixel_value":9,"saturation_threshold":0.25,"relative_saturation":true}]""");
        var parsed = LocoDefectsConfig.Load(cfg).Entries.Select(e => new DefectSaturation(e.DefectName, e.PixelValue, e.SaturationThreshold, e.RelativeSaturation));
        Assert.Equal(new DefectSaturation("x", 9, 0.25, true), parsed.Single());
        File.WriteAllText(cfg, """[{"defect_name":"x"}]""");
        var ex = Assert.Throws<InspectaUserException>(() => LocoDefectsConfig.Load(cfg));
        Assert.StartsWith(cfg, ex.Message);
        File.WriteAllText(cfg, """[{"defect_name":"x","pixel_value":9,"saturation_threshold":0,"relative_saturation":true}]""");
        Assert.Contains("must be positive", Assert.Throws<InspectaUserException>(() => LocoDefectsConfig.Load(cfg)).Message);
    }
}
