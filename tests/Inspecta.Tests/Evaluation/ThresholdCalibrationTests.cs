using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Tests.Evaluation;

public class ThresholdCalibrationTests
{
    [Fact]
    public void MaxQuantileAndSigmaMatchTheirDefinitions()
    {
        var rng = new Random(3);
        float[] scores = Enumerable.Range(0, 10_001).Select(_ => (float)rng.NextDouble()).ToArray();
        var sorted = scores.Order().ToArray();
        Assert.Equal(sorted[^1], ThresholdCalibration.MaxOfScores(scores));
        // (n-1)·p = 9900 exactly: the 9901st smallest value.
        Assert.Equal(sorted[9900], ThresholdCalibration.Quantile(scores, 0.99), 1e-7);
        // Between two order statistics: linear interpolation.
        double h = 10_000 * 0.25;
        Assert.Equal(sorted[2500] + (sorted[2501] - sorted[2500]) * (h - 2500), ThresholdCalibration.Quantile(scores, 0.25), 1e-7);
        double mean = scores.Average(v => (double)v);
        double sd = Math.Sqrt(scores.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(mean + 3 * sd, ThresholdCalibration.KSigma(scores), 1e-9);
        Assert.Equal(mean + 2.326 * sd, ThresholdCalibration.KSigma(scores, 2.326), 1e-9);
    }

    [Fact]
    public void MaxAreaIsTheSmallestThresholdKeepingBlobsBelowTheDefectSize()
    {
        var map = new AnomalyMap(20, 20);
        for (int y = 2; y < 7; y++) for (int x = 2; x < 7; x++) map[y, x] = 0.8f;   // 25 px
        for (int y = 10; y < 12; y++) for (int x = 10; x < 12; x++) map[y, x] = 0.9f; // 4 px
        map[16, 16] = 0.95f;                                                          // 1 px
        var other = new AnomalyMap(20, 20);
        other[0, 0] = 0.5f; other[0, 1] = 0.5f;                                       // 2 px in a second map
        AnomalyMap[] maps = [map, other];

        Assert.Equal(0.9, ThresholdCalibration.MaxArea(maps, 4), 1e-7);   // at 0.8 the 4-px blob remains
        Assert.Equal(0.8, ThresholdCalibration.MaxArea(maps, 5), 1e-7);
        Assert.Equal(0.8, ThresholdCalibration.MaxArea(maps, 25), 1e-7);  // at 0.5 the 25-px blob remains
        Assert.Equal(0.0, ThresholdCalibration.MaxArea(maps, 26), 1e-7);
        Assert.Equal(0.95, ThresholdCalibration.MaxArea(maps, 1), 1e-7);  // nothing may remain
        Assert.Equal(4, ThresholdCalibration.LargestComponent(maps, 0.85f, Connectivity.Eight));
        Assert.Equal(1, ThresholdCalibration.DefaultMinDefectArea(20, 20));
        Assert.Equal(810, ThresholdCalibration.DefaultMinDefectArea(900, 900));
        Assert.Throws<InspectaUserException>(() => ThresholdCalibration.MaxArea(maps, 0));
    }

    [Fact]
    public void ReportCountsImagesPixelsAndRegions()
    {
        var gt = new Mask(4, 4);
        gt[0, 0] = 255; gt[0, 1] = 255; gt[3, 3] = 255;            // regions of 2 px and 1 px
        var defect = new AnomalyMap(4, 4);
        defect[0, 0] = 1; defect[2, 0] = 1;                         // half of region 1, one false positive
        var missed = new AnomalyMap(4, 4);                          // a defective image with nothing segmented
        var goodClean = new AnomalyMap(4, 4);
        var goodNoisy = new AnomalyMap(4, 4);
        goodNoisy[1, 1] = 0.7f;
        List<EvaluatedImage> images =
        [
            EvaluatedImage.FromMap("crack", "0", defect, gt),
            EvaluatedImage.FromMap("crack", "1", missed, gt),
            EvaluatedImage.FromMap("good", "2", goodClean, new Mask(4, 4)),
            EvaluatedImage.FromMap("good", "3", goodNoisy, new Mask(4, 4)),
        ];
        var r = ThresholdReport.At(images, 0.5);
        Assert.Equal((2, 2), (r.GoodImages, r.DefectiveImages));
        Assert.Equal(0.5, r.GoodAccuracy);
        Assert.Equal(0.5, r.DefectiveAccuracy);
        Assert.Equal(2.0 / (13 + 13 + 16 + 16), r.PixelFpr, 1e-12);
        Assert.Equal(1.0 / 6, r.PixelTpr, 1e-12);
        Assert.Equal((0.5 + 0 + 0 + 0) / 4, r.Pro, 1e-12);
    }

    [Fact]
    public void MaxAreaMatchesBruteForceOnRandomMaps()
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 12; trial++)
        {
            var maps = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ =>
            {
                int h = rng.Next(3, 20), w = rng.Next(3, 20);
                return new AnomalyMap(h, w, Enumerable.Range(0, h * w).Select(_ => rng.Next(0, 12) / 4f).ToArray());
            }).ToList();
            int area = 1 + rng.Next(30);
            var connectivity = trial % 2 == 0 ? Connectivity.Eight : Connectivity.Four;
            float expected = maps.SelectMany(m => m.Data).Distinct().Order()
                .First(t => ThresholdCalibration.LargestComponent(maps, t, connectivity) < area || t == maps.Max(m => m.Max()));
            Assert.Equal(expected, ThresholdCalibration.MaxArea(maps, area, connectivity));
        }
    }
}
