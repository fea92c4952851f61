using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Tests.Detectors.Verdicts;

public class VerdictRuleTests
{
    /// <summary>A 10×10 map of zeros with the given pixels at 1.</summary>
    private static AnomalyMap Map(params (int Y, int X)[] hot)
    {
        var map = new AnomalyMap(10, 10);
        foreach (var (y, x) in hot) map.Data[y * 10 + x] = 1f;
        return map;
    }

    [Fact]
    public void DefectiveIffOneEightConnectedRegionReachesTheArea()
    {
        var rule = new VerdictRule(0.5, 3);
        // A diagonal of three pixels is one 8-connected region.
        var diagonal = rule.Judge(Map((1, 1), (2, 2), (3, 3)));
        Assert.True(diagonal.Defective);
        Assert.Equal((3, 3), (diagonal.LargestRegion, diagonal.DefectPixels));
        // Four scattered pixels: many anomalous pixels but no region of three → good (the image score would say otherwise).
        var scattered = rule.Judge(Map((0, 0), (0, 5), (5, 0), (9, 9)));
        Assert.False(scattered.Defective);
        Assert.Equal((1, 4), (scattered.LargestRegion, scattered.DefectPixels));
        Assert.Equal(4, scattered.Mask!.CountNonZero());
        // Strictly above: a score equal to the threshold is not anomalous.
        Assert.False(new VerdictRule(1.0, 1).Judge(Map((1, 1))).Defective);
        Assert.True(new VerdictRule(Math.BitDecrement(1.0), 1).Judge(Map((1, 1))).Defective);
    }

    [Fact]
    public void StoredThresholdsOverridesAndPointScores()
    {
        var stored = VerdictRule.From(new CalibratedThresholds("max-area", 0.5f, 0.9f, 810, 21))!;
        Assert.Equal((0.5, 810), (stored.PixelThreshold, stored.MinDefectArea));
        Assert.Contains("21 good validation images", stored.Source);
        Assert.Same(stored, stored.Override(null, null));
        var given = stored.Override(0.7, null);
        Assert.Equal((0.7, 810), (given.PixelThreshold, given.MinDefectArea));
        Assert.Contains("--threshold", given.Source);
        Assert.Null(VerdictRule.From(null));
        // Point-cloud models store area 0: any point above the threshold.
        var points = VerdictRule.From(new CalibratedThresholds("max", 0.5f, 0.5f, 0, 3))!;
        Assert.True(points.Judge(new Prediction(0.6f, null, [0.1f, 0.6f])).Defective);
        Assert.False(points.Judge(new Prediction(0.6f, null, [0.1f, 0.5f])).Defective);
        Assert.Throws<InspectaUserException>(() => new VerdictRule(double.NaN, 1));
        Assert.Throws<InspectaUserException>(() => new VerdictRule(0.5, 0));
    }

    [Fact]
    public void ThresholdReportCountsImagesByTheRule()
    {
        var gtEmpty = new Mask(10, 10);
        var gtDefect = new Mask(10, 10);
        gtDefect[5, 5] = 255;
        var images = new[]
        {
            new EvaluatedImage("good", "0", 1f, Map((0, 0), (0, 5)), gtEmpty),          // two lone pixels: good at area 2
            new EvaluatedImage("crack", "1", 1f, Map((5, 5), (5, 6)), gtDefect),        // a region of 2: defective
        };
        var strict = ThresholdReport.At(images, new VerdictRule(0.5, 2));
        Assert.Equal((1.0, 1.0), (strict.GoodAccuracy, strict.DefectiveAccuracy));
        Assert.Equal([false, true], strict.Verdicts.Select(v => v.Defective));
        // Any segmented pixel (the MVTec AD paper's rule) flags the good image.
        Assert.Equal(0.0, ThresholdReport.At(images, 0.5).GoodAccuracy);
    }
}
