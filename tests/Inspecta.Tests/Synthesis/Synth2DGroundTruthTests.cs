using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Synthesis.TwoD;
using Inspecta.Synthesis.TwoD.Defects;

namespace Inspecta.Tests.Synthesis;

public class Synth2DGroundTruthTests
{
    private static readonly Synth2DGenerator Generator = new(new Synth2DOptions { Seed = 7, Size = 128, TrainCount = 2, TestPerDefect = 2 });

    public static TheoryData<string, string> CategoryDefects()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Synth2DGenerator.Categories)
            foreach (var d in c.DefectTypes.Concat(c.LogicalTypes)) data.Add(c.Name, d);
        return data;
    }

    [Theory]
    [MemberData(nameof(CategoryDefects))]
    public void Ground_truth_covers_exactly_the_changed_pixels(string categoryName, string defect)
    {
        var category = Synth2DGenerator.GetCategory(categoryName);
        foreach (var item in Generator.Plan(category).Where(p => p.DefectType == defect))
        {
            var sample = Generator.Generate(category, item);
            Assert.NotEmpty(sample.Masks);
            var union = sample.UnionMask();
            var changed = ChangedPixels(sample.Image, sample.Clean);
            var near = Dilate(union);
            int outside = 0, inside = 0, maskArea = union.CountNonZero();
            for (int i = 0; i < changed.Length; i++)
            {
                if (changed[i] && near.Data[i] == 0) outside++;
                if (changed[i] && union.Data[i] != 0) inside++;
            }
            // Nothing changed outside the mask (up to the one-pixel anti-aliased rim) ...
            Assert.True(outside == 0, $"{categoryName}/{defect}/{item.Id}: {outside} changed pixels outside the mask");
            // ... and the mask marks pixels that really changed.
            double covered = inside / (double)maskArea;
            double required = defect == DefectTypes2D.Deformation ? 0.5 : 0.85;
            Assert.True(covered >= required, $"{categoryName}/{defect}/{item.Id}: only {covered:P0} of {maskArea} mask pixels changed");
            foreach (var region in sample.Masks) Assert.True(region.CountNonZero() >= 4);
        }
    }

    [Fact]
    public void Good_samples_vary_in_pose_light_and_texture()
    {
        foreach (var category in Synth2DGenerator.Categories)
        {
            var plan = Generator.Plan(category).Where(p => p.Split == Split.Train).Take(2).ToList();
            var a = Generator.Generate(category, plan[0]).Image;
            var b = Generator.Generate(category, plan[1]).Image;
            double meanAbs = 0;
            for (int i = 0; i < a.Data.Length; i++) meanAbs += Math.Abs(a.Data[i] - b.Data[i]);
            meanAbs /= a.Data.Length;
            Assert.True(meanAbs > 0.02, $"{category.Name}: two good samples are nearly identical (mean |Δ| = {meanAbs:F4})");
        }
    }

    [Fact]
    public void Same_seed_gives_same_pixels_and_another_seed_does_not()
    {
        var category = Synth2DGenerator.GetCategory("marble");
        var item = Generator.Plan(category).First(p => p.DefectType == DefectTypes2D.Crack);
        var first = Generator.Generate(category, item);
        var again = new Synth2DGenerator(Generator.Options).Generate(category, item);
        var other = new Synth2DGenerator(Generator.Options with { Seed = 8 }).Generate(category, item);
        Assert.Equal(first.Image.Data, again.Image.Data);
        Assert.Equal(first.Masks[0].Data, again.Masks[0].Data);
        Assert.NotEqual(first.Image.Data, other.Image.Data);
    }

    internal static bool[] ChangedPixels(ImageF a, ImageF b)
    {
        int plane = a.PlaneSize;
        var changed = new bool[plane];
        for (int c = 0; c < a.Channels; c++)
            for (int i = 0; i < plane; i++)
                if (Math.Abs(a.Data[c * plane + i] - b.Data[c * plane + i]) > 1.5f / 255f) changed[i] = true;
        return changed;
    }

    private static Mask Dilate(Mask m)
    {
        var d = new Mask(m.Height, m.Width);
        for (int y = 0; y < m.Height; y++)
            for (int x = 0; x < m.Width; x++)
            {
                if (m[y, x] == 0) continue;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int yy = y + dy, xx = x + dx;
                        if (yy >= 0 && yy < m.Height && xx >= 0 && xx < m.Width) d[yy, xx] = 255;
                    }
            }
        return d;
    }
}
