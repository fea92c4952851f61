using Inspecta.Datasets;
using Inspecta.Synthesis.ThreeD.Scan;

namespace Inspecta.Tests.Synthesis;

public class ScanStyleTests
{
    private static readonly ScanStyleGenerator Generator = new(new ScanStyleOptions { Seed = 11, Size = 96, TrainCount = 1 });

    [Fact]
    public void Geometric_defects_change_depth_inside_the_mask_and_contamination_only_colour()
    {
        var obj = ScanObjectClass.Get("ring");
        int plane = 96 * 96;
        foreach (var type in ScanDefectTypes.All)
        {
            var s = Generator.Generate(obj, Split.Test, type, "000", 0);
            int area = s.GroundTruth.CountNonZero();
            Assert.True(area >= 12, $"{type}: GT has {area} pixels");
            int depthChanged = 0, outside = 0;
            for (int i = 0; i < plane; i++)
            {
                bool d = Math.Abs(s.Xyz.Data[2 * plane + i] - s.CleanXyz.Data[2 * plane + i]) > ScanStyleGenerator.DepthTolerance;
                bool c = Enumerable.Range(0, 3).Any(ch => Math.Abs(s.Rgb.Data[ch * plane + i] - s.CleanRgb.Data[ch * plane + i]) > 1.5f / 255f);
                if (d) depthChanged++;
                if ((d || c) && s.GroundTruth.Data[i] == 0) outside++;
            }
            Assert.Equal(0, outside);
            if (type == ScanDefectTypes.Contamination)
                Assert.Equal(s.CleanXyz.Data, s.Xyz.Data); // invisible in 3D
            else
                Assert.True(depthChanged >= area / 4, $"{type}: only {depthChanged} of {area} GT pixels changed depth");
        }
    }

    [Fact]
    public void Scans_have_noise_invalid_pixels_at_edges_and_vary_between_good_samples()
    {
        var obj = ScanObjectClass.Get("disc");
        var a = Generator.Generate(obj, Split.Train, Sample.GoodLabel, "000", 0);
        var b = Generator.Generate(obj, Split.Train, Sample.GoodLabel, "001", 1);
        var cloud = a.ToOrganizedCloud();
        int invalid = 0;
        for (int i = 0; i < 96 * 96; i++) if (!cloud.IsValid(i)) invalid++;
        Assert.InRange(invalid, 10, 96 * 96 / 5);
        Assert.Equal(0, a.GroundTruth.CountNonZero());
        Assert.NotEqual(a.Xyz.Data, b.Xyz.Data);
        // Same seed → identical scan.
        var again = new ScanStyleGenerator(Generator.Options).Generate(obj, Split.Train, Sample.GoodLabel, "000", 0);
        Assert.Equal(a.Xyz.Data, again.Xyz.Data);
        Assert.Equal(a.Rgb.Data, again.Rgb.Data);
    }
}
