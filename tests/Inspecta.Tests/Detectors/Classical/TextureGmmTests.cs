using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.TextureGmm;
using Inspecta.Detectors.VariationModel;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Classical;

public class TextureGmmTests
{
    /// <summary>Small but faithful configuration: 128² working size, 3 levels, 7×7 patches, BIC over {1, 2, 4}.</summary>
    private static FitOptions Fast => new() { ImageSize = 128, PyramidLevels = 3, SamplesPerLevel = 3000, GmmComponents = [1, 2, 4], Seed = 1 };

    private static (List<float> Good, List<float> Bad, List<AnomalyMap> Maps, List<Mask> Masks) Score(
        IAnomalyDetector detector, IReadOnlyList<Sample> good, IReadOnlyList<Sample> bad)
    {
        var g = good.Select(s => detector.Predict(s).Score).ToList();
        var maps = new List<AnomalyMap>(); var masks = new List<Mask>(); var b = new List<float>();
        foreach (var s in bad)
        {
            var p = detector.Predict(s);
            ClassicalFixtures.AssertValidMap(p.Map, s.Image!.Height, s.Image.Width);
            b.Add(p.Score); maps.Add(p.Map!); masks.Add(s.GroundTruth!);
        }
        return (g, b, maps, masks);
    }

    [Fact]
    public void BeatsVariationModelOnRandomTexture()
    {
        const int size = 128;
        var train = Enumerable.Range(0, 12).Select(i => ClassicalFixtures.Good(ClassicalFixtures.NoiseTexture(size, 10 + i), i)).ToList();
        var good = Enumerable.Range(0, 6).Select(i => ClassicalFixtures.Good(ClassicalFixtures.NoiseTexture(size, 100 + i), i, Split.Test)).ToList();
        var bad = Enumerable.Range(0, 6).Select(i =>
        {
            var image = ClassicalFixtures.NoiseTexture(size, 200 + i);
            var mask = ClassicalFixtures.RoughSpot(image, 30 + 12 * i, 90 - 8 * i, 6, seed: i);
            return ClassicalFixtures.Defective(image, mask, i);
        }).ToList();

        var gmm = new TextureGmmDetector(Fast);
        gmm.Fit(train);
        var variation = new VariationModelDetector(new FitOptions());
        variation.Fit(train);
        var (gg, gb, gMaps, masks) = Score(gmm, good, bad);
        var (vg, vb, vMaps, _) = Score(variation, good, bad);
        double gmmImage = ClassicalFixtures.ImageAuroc(gg, gb), varImage = ClassicalFixtures.ImageAuroc(vg, vb);
        double gmmPixel = ClassicalFixtures.PixelAuroc(gMaps, masks), varPixel = ClassicalFixtures.PixelAuroc(vMaps, masks);
        Assert.True(gmmImage >= 0.9 && gmmImage > varImage, $"image AUROC gmm {gmmImage:F3} vs variation {varImage:F3}");
        Assert.True(gmmPixel > 0.9 && gmmPixel > varPixel + 0.05, $"pixel AUROC gmm {gmmPixel:F3} vs variation {varPixel:F3}");
    }

    [Fact]
    public void LosesToVariationModelOnAlignedPrintedObject()
    {
        const int size = 96;
        var train = Enumerable.Range(0, 10).Select(i => ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(size, 1, 10 + i), i)).ToList();
        var good = Enumerable.Range(0, 6).Select(i => ClassicalFixtures.Good(ClassicalFixtures.PrintedDisc(size, 1, 100 + i), i, Split.Test)).ToList();
        var bad = Enumerable.Range(0, 6).Select(i =>
        {
            var image = ClassicalFixtures.PrintedDisc(size, 1, 200 + i);
            var mask = ClassicalFixtures.Misprint(image, 28 + 4 * i, 36, 16, seed: 50 + i);
            return ClassicalFixtures.Defective(image, mask, i);
        }).ToList();
        var gmm = new TextureGmmDetector(Fast with { ImageSize = 96, SamplesPerLevel = 2000, GmmComponents = [1, 2] });
        gmm.Fit(train);
        var variation = new VariationModelDetector(new FitOptions());
        variation.Fit(train);
        var (gg, gb, gMaps, masks) = Score(gmm, good, bad);
        var (vg, vb, vMaps, _) = Score(variation, good, bad);
        double gmmPixel = ClassicalFixtures.PixelAuroc(gMaps, masks), varPixel = ClassicalFixtures.PixelAuroc(vMaps, masks);
        double varImage = ClassicalFixtures.ImageAuroc(vg, vb), gmmImage = ClassicalFixtures.ImageAuroc(gg, gb);
        Assert.True(varImage == 1.0 && varImage > gmmImage, $"image AUROC variation {varImage:F3} vs gmm {gmmImage:F3}");
        Assert.True(varPixel > gmmPixel + 0.05, $"pixel AUROC variation {varPixel:F3} vs gmm {gmmPixel:F3}");
    }

    [Fact]
    public void MapsHaveInputResolutionAndReloadPredictsBitIdentically()
    {
        using var tmp = new TempDir();
        var train = Enumerable.Range(0, 5).Select(i => ClassicalFixtures.Good(Crop(ClassicalFixtures.NoiseTexture(120, i), 90, 120), i)).ToList();
        var detector = new TextureGmmDetector(Fast with { ImageSize = 64 });
        detector.Fit(train);
        Assert.True(detector.PixelThreshold > 0 && float.IsFinite(detector.ImageThreshold));
        Assert.All(detector.Mixtures, m => Assert.Contains(m.Components, new[] { 1, 2, 4 }));
        var writer = new ModelWriter(detector.Method);
        detector.Save(writer);
        writer.WriteTo(tmp["t.inspecta"]);
        var reader = ModelReader.Open(tmp["t.inspecta"]);
        Assert.Equal(detector.PixelThreshold, reader.Parameters["k_sigma_thresholds"]!["pixel"]!.GetValue<float>());
        var loaded = (TextureGmmDetector)DetectorCatalog.Load(reader);
        Assert.Equal(detector.ImageThreshold, loaded.ImageThreshold);

        var image = Crop(ClassicalFixtures.NoiseTexture(120, 77), 90, 120);
        ClassicalFixtures.RoughSpot(image, 40, 30, 6, seed: 1);
        var sample = ClassicalFixtures.Good(image, 0, Split.Test);
        var a = detector.Predict(sample);
        var b = loaded.Predict(sample);
        ClassicalFixtures.AssertValidMap(a.Map, 90, 120);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Score), BitConverter.SingleToInt32Bits(b.Score));
        Assert.Equal(a.Map!.Data, b.Map!.Data);
        Assert.Equal(a.Map.Max(), a.Score);
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        var one = new[] { ClassicalFixtures.Good(ClassicalFixtures.NoiseTexture(64, 1), 0) };
        var ex = Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(Fast).Fit(one));
        Assert.Contains("at least 2", ex.Message);
        Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(new FitOptions { PatchSize = 6 }));
        Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(new FitOptions { ImageSize = 40, PyramidLevels = 4 }));
        Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(new FitOptions { GmmComponents = [0] }));
    }

    private static ImageF Crop(ImageF image, int height, int width)
    {
        var output = new ImageF(image.Channels, height, width);
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < height; y++) image.Row(c, y)[..width].CopyTo(output.Row(c, y));
        return output;
    }
}
