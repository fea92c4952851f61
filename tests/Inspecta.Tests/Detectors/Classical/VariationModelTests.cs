using Inspecta.Detectors.Registry;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.VariationModel;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Classical;

public class VariationModelTests
{
    private static List<Sample> GoodDiscs(int count, int channels, int size = 96, int seed0 = 100) =>
        Enumerable.Range(0, count).Select(i => ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(size, channels, seed0 + i), i)).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void FindsMisprintOnAlignedDisc(int channels)
    {
        var detector = new VariationModelDetector(new VariationOptions());
        detector.Fit(GoodDiscs(12, channels));
        var goodScores = new List<float>();
        var badScores = new List<float>();
        for (int i = 0; i < 6; i++)
        {
            var good = detector.Predict(ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(96, channels, 500 + i), i, Split.Test));
            ClassicalFixtures.AssertValidMap(good.Map, 96, 96);
            goodScores.Add(good.Score);
            var image = ClassicalFixtures.PrintedDisc(96, channels, 600 + i);
            var mask = ClassicalFixtures.Misprint(image, 30 + i * 3, 40, 12, seed: 7 + i);
            var bad = detector.Predict(ClassicalFixtures.Defective(image, mask, i));
            badScores.Add(bad.Score);
            // The maximum lies inside the defect.
            int argmax = Array.IndexOf(bad.Map!.Data, bad.Score);
            Assert.NotEqual(0, mask.Data[argmax]);
            Assert.Equal(bad.Map.Max(), bad.Score);
        }
        Assert.Equal(1.0, ClassicalFixtures.ImageAuroc(goodScores, badScores));
    }

    [Fact]
    public void ScoreIsDeviationInSigmaUnitsWithSigmaFloorAndChannelFusion()
    {
        // Two constant training images 0.4 and 0.6 in channel 0 (σ = 0.1414), constant 0.5 in channel 1 (σ = 0 → floor).
        ImageF Make(float a) { var im = new ImageF(2, 4, 4); im.Plane(0).Fill(a); im.Plane(1).Fill(0.5f); return im; }
        var train = new[] { ClassicalFixtures.Good(Make(0.4f), 0), ClassicalFixtures.Good(Make(0.6f), 1) };
        var test = new ImageF(2, 4, 4);
        test.Plane(0).Fill(0.8f);   // 0.3 / 0.1414 = 2.121
        test.Plane(1).Fill(0.55f);  // 0.05 / 0.02 = 2.5
        var sample = ClassicalFixtures.Good(test, 9, Split.Test);
        var max = new VariationModelDetector(new VariationOptions());
        max.Fit(train);
        Assert.Equal(2.5f, max.Predict(sample).Score, 3);
        var mean = new VariationModelDetector(new VariationOptions { ChannelFusion = "mean", SigmaMin = 0.05f });
        mean.Fit(train);
        Assert.Equal((0.3f / MathF.Sqrt(0.02f) + 1f) / 2, mean.Predict(sample).Score, 3);
    }

    [Fact]
    public void RigidAlignmentKeepsMapsInInputCoordinatesAndZeroesNonOverlap()
    {
        const int size = 128;
        var rng = new Random(5);
        RigidTransform RandomPose() => new((rng.NextDouble() - 0.5) * 0.5, (rng.NextDouble() - 0.5) * 12, (rng.NextDouble() - 0.5) * 12, (size - 1) / 2.0, (size - 1) / 2.0);
        var train = Enumerable.Range(0, 10)
            .Select(i => ClassicalFixtures.Good(ClassicalFixtures.Warp(ClassicalFixtures.PrintedDisc(size, 1, 10 + i), RandomPose()), i)).ToList();
        var aligned = new VariationModelDetector(new VariationOptions { Alignment = "rigid" });
        aligned.Fit(train);
        var unaligned = new VariationModelDetector(new VariationOptions());
        unaligned.Fit(train);

        var goodAligned = new List<float>(); var badAligned = new List<float>();
        var goodPlain = new List<float>(); var badPlain = new List<float>();
        var maps = new List<AnomalyMap>(); var plainMaps = new List<AnomalyMap>(); var masks = new List<Mask>();
        for (int i = 0; i < 5; i++)
        {
            var good = ClassicalFixtures.Good(ClassicalFixtures.Warp(ClassicalFixtures.PrintedDisc(size, 1, 300 + i), RandomPose()), i, Split.Test);
            goodAligned.Add(aligned.Predict(good).Score); goodPlain.Add(unaligned.Predict(good).Score);
            var upright = ClassicalFixtures.PrintedDisc(size, 1, 400 + i);
            var mask = ClassicalFixtures.Misprint(upright, 40, 44, 16, seed: 20 + i);
            var pose = RandomPose();
            var bad = ClassicalFixtures.Defective(ClassicalFixtures.Warp(upright, pose), ClassicalFixtures.Warp(mask, pose), i);
            var prediction = aligned.Predict(bad);
            ClassicalFixtures.AssertValidMap(prediction.Map, size, size);
            badAligned.Add(prediction.Score); badPlain.Add(unaligned.Predict(bad).Score);
            maps.Add(prediction.Map!); plainMaps.Add(unaligned.Predict(bad).Map!); masks.Add(bad.GroundTruth!);
        }
        Assert.Equal(1.0, ClassicalFixtures.ImageAuroc(goodAligned, badAligned));
        Assert.True(ClassicalFixtures.ImageAuroc(goodPlain, badPlain) < 1.0, "without alignment the pose variation should hide the misprint");
        // The map is in input coordinates: the defect region (warped mask) holds the high scores.
        // (Some misprinted blocks happen to get nearly their old value, so pixel AUROC cannot reach 1.)
        double alignedPixel = ClassicalFixtures.PixelAuroc(maps, masks), plainPixel = ClassicalFixtures.PixelAuroc(plainMaps, masks);
        Assert.True(alignedPixel > 0.85 && alignedPixel > plainPixel + 0.1, $"pixel AUROC aligned {alignedPixel:F3}, unaligned {plainPixel:F3}");

        // A part shifted far to the right: its left columns map outside the reference and score exactly 0.
        var shifted = ClassicalFixtures.Warp(ClassicalFixtures.PrintedDisc(size, 1, 999), new RigidTransform(0, 40, 0, 63.5, 63.5));
        var map = aligned.Predict(ClassicalFixtures.Good(shifted, 0, Split.Test)).Map!;
        for (int y = 0; y < size; y++)
            for (int x = size - 20; x < size; x++) Assert.Equal(0f, map[y, x]);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("rigid")]
    public void ReloadPredictsBitIdentically(string alignment)
    {
        using var tmp = new TempDir();
        var detector = new VariationModelDetector(new VariationOptions { Alignment = alignment, SigmaMin = 0.03f, ChannelFusion = "mean" });
        detector.Fit(GoodDiscs(5, 3, size: 64));
        var writer = new ModelWriter(detector.Method);
        detector.Save(writer);
        writer.WriteTo(tmp["v.inspecta"]);
        var loaded = MethodRegistry.Default.Load(ModelReader.Open(tmp["v.inspecta"]));
        Assert.IsType<VariationModelDetector>(loaded);
        var image = ClassicalFixtures.PrintedDisc(64, 3, 77);
        ClassicalFixtures.Scratch(image, 10, 20, 50, 30);
        var sample = ClassicalFixtures.Good(image, 0, Split.Test);
        var a = detector.Predict(sample);
        var b = loaded.Predict(sample);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Score), BitConverter.SingleToInt32Bits(b.Score));
        Assert.Equal(a.Map!.Data, b.Map!.Data);
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var one = GoodDiscs(1, 1);
        var ex = Assert.Throws<InspectaUserException>(() => new VariationModelDetector(new VariationOptions()).Fit(one));
        Assert.Contains("at least 2", ex.Message);

        var mixed = GoodDiscs(2, 1, size: 64).Concat([ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(80, 1, 3), 7)]).ToList();
        ex = Assert.Throws<InspectaUserException>(() => new VariationModelDetector(new VariationOptions()).Fit(mixed));
        Assert.Contains("--image-size", ex.Message);
        Assert.Contains("80×80", ex.Message);

        // With --image-size the same mixed set fits, and maps come back at each input's own size.
        var resized = new VariationModelDetector(new VariationOptions { ImageSize = 48 });
        resized.Fit(mixed);
        ClassicalFixtures.AssertValidMap(resized.Predict(ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(80, 1, 4), 0, Split.Test)).Map, 80, 80);

        var detector = new VariationModelDetector(new VariationOptions());
        detector.Fit(GoodDiscs(2, 1, size: 64));
        ex = Assert.Throws<InspectaUserException>(() => detector.Predict(ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(64, 3, 3), 0, Split.Test)));
        Assert.Contains("channel", ex.Message);

        Assert.Throws<InspectaUserException>(() => new VariationModelDetector(new VariationOptions { Alignment = "affine" }));
        Assert.Throws<InspectaUserException>(() => new VariationModelDetector(new VariationOptions { ChannelFusion = "median" }));
        Assert.Throws<InspectaUserException>(() => new VariationModelDetector(new VariationOptions { SigmaMin = 0 }));
    }

    [Fact]
    public void IlluminationPlaneDividesOutGainAndGradient()
    {
        static ImageF Lit(ImageF image, float gain, float gx, float gy)
        {
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    for (int c = 0; c < image.Channels; c++)
                        image[c, y, x] *= gain + gx * (x / (image.Width - 1f) - 0.5f) + gy * (y / (image.Height - 1f) - 0.5f);
            return image;
        }
        var rng = new Random(9);
        var train = Enumerable.Range(0, 10).Select(i => ClassicalFixtures.Good(
            Lit(ClassicalFixtures.PrintedDisc(64, 3, 30 + i), 1 + 0.1f * (rng.NextSingle() - 0.5f), 0.1f * (rng.NextSingle() - 0.5f), 0.1f * (rng.NextSingle() - 0.5f)), i)).ToList();
        var test = ClassicalFixtures.Good(Lit(ClassicalFixtures.PrintedDisc(64, 3, 99), 0.8f, 0.3f, -0.25f), 0, Split.Test);
        var plain = new VariationModelDetector(new VariationOptions());
        plain.Fit(train);
        var compensated = new VariationModelDetector(new VariationOptions { Illumination = "plane" });
        compensated.Fit(train);
        Assert.True(compensated.CompensatesIllumination);
        float before = plain.Predict(test).Score, after = compensated.Predict(test).Score;
        Assert.True(after < 5 && before > 3 * after, $"score without compensation {before:F2}, with {after:F2}");
        // The training images are not modified in place.
        Assert.Equal(plain.Predict(train[0]).Score, new VariationModelDetector(new VariationOptions()).Also(d => d.Fit(train)).Predict(train[0]).Score);
        Assert.Throws<InspectaUserException>(() => new VariationModelDetector(new VariationOptions { Illumination = "affine" }));
    }
}

internal static class DetectorTestExtensions
{
    public static T Also<T>(this T value, Action<T> action) { action(value); return value; }
}
