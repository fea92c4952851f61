using Inspecta.Detectors.Registry;
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
    private static TextureGmmOptions Fast => new() { ImageSize = 128, PyramidLevels = 3, SamplesPerLevel = 3000, GmmComponents = [1, 2, 4], Seed = 1 };

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
        var variation = new VariationModelDetector(new VariationOptions());
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
        var variation = new VariationModelDetector(new VariationOptions());
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
        var loaded = (TextureGmmDetector)MethodRegistry.Default.Load(reader);
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
        Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(new TextureGmmOptions { PatchSize = 6 }));
        Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(new TextureGmmOptions { ImageSize = 40, PyramidLevels = 4 }));
        Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(new TextureGmmOptions { GmmComponents = [0] }));
    }

    /// <summary>The smooth random texture in a beige tint, under a random lighting gain (0.85–1.15).</summary>
    private static ImageF TintedTexture(int size, int seed)
    {
        var gray = ClassicalFixtures.NoiseTexture(size, seed);
        float gain = 0.85f + 0.3f * new Random(seed + 5000).NextSingle();
        var image = new ImageF(3, size, size);
        float[] tint = [0.95f, 0.9f, 0.8f];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < gray.PlaneSize; i++) image.Plane(c)[i] = gray.Data[i] * tint[c] * gain;
        return image;
    }

    /// <summary>Turns a disc greenish-blue at unchanged BT.601 luma: invisible in grayscale, obvious in colour.</summary>
    private static Mask HueSpot(ImageF image, int cx, int cy, int radius)
    {
        float[] from = [0.95f, 0.9f, 0.8f], to = [0.7f, 0.95f, 1f];
        float Luma(float[] t) => 0.299f * t[0] + 0.587f * t[1] + 0.114f * t[2];
        float k = Luma(from) / Luma(to);
        var mask = new Mask(image.Height, image.Width);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > radius * radius) continue;
                for (int c = 0; c < 3; c++) image[c, y, x] = image[c, y, x] / from[c] * to[c] * k;
                mask[y, x] = 1;
            }
        return mask;
    }

    [Fact]
    public void ChromaFindsColourOnlyDefectsThatTheGrayscaleModelCannotSee()
    {
        const int size = 96;
        var train = Enumerable.Range(0, 10).Select(i => ClassicalFixtures.Good(TintedTexture(size, 10 + i), i)).ToList();
        var good = Enumerable.Range(0, 5).Select(i => ClassicalFixtures.Good(TintedTexture(size, 100 + i), i, Split.Test)).ToList();
        var bad = Enumerable.Range(0, 5).Select(i =>
        {
            var image = TintedTexture(size, 200 + i);
            return ClassicalFixtures.Defective(image, HueSpot(image, 25 + 10 * i, 70 - 8 * i, 9), i);
        }).ToList();
        var options = Fast with { ImageSize = size, SamplesPerLevel = 2000 };
        var gray = new TextureGmmDetector(options);
        gray.Fit(train);
        var chroma = new TextureGmmDetector(options with { Chroma = true });
        chroma.Fit(train);
        Assert.True(chroma.Chroma && !gray.Chroma);
        var (gg, gb, gMaps, masks) = Score(gray, good, bad);
        var (cg, cb, cMaps, _) = Score(chroma, good, bad);
        double grayPixel = ClassicalFixtures.PixelAuroc(gMaps, masks), chromaPixel = ClassicalFixtures.PixelAuroc(cMaps, masks);
        double grayImage = ClassicalFixtures.ImageAuroc(gg, gb), chromaImage = ClassicalFixtures.ImageAuroc(cg, cb);
        Assert.True(grayPixel < 0.75, $"the grayscale model should be blind to a luma-neutral hue change, pixel AUROC {grayPixel:F3}");
        Assert.True(chromaPixel > 0.95 && chromaImage == 1.0, $"chroma pixel/image AUROC {chromaPixel:F3}/{chromaImage:F3} (grayscale {grayPixel:F3}/{grayImage:F3})");
    }

    [Fact]
    public void ChromaModelReloadsBitIdenticallyAndNeedsColourImages()
    {
        using var tmp = new TempDir();
        var train = Enumerable.Range(0, 5).Select(i => ClassicalFixtures.Good(TintedTexture(64, i), i)).ToList();
        var detector = new TextureGmmDetector(Fast with { ImageSize = 64, Chroma = true });
        detector.Fit(train);
        var writer = new ModelWriter(detector.Method);
        detector.Save(writer);
        writer.WriteTo(tmp["c.inspecta"]);
        var reader = ModelReader.Open(tmp["c.inspecta"]);
        Assert.True(reader.Parameters["chroma"]!.GetValue<bool>());
        var loaded = (TextureGmmDetector)MethodRegistry.Default.Load(reader);
        Assert.True(loaded.Chroma);
        var image = TintedTexture(64, 99);
        HueSpot(image, 30, 30, 6);
        var sample = ClassicalFixtures.Good(image, 0, Split.Test);
        var a = detector.Predict(sample);
        var b = loaded.Predict(sample);
        Assert.Equal(a.Map!.Data, b.Map!.Data);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Score), BitConverter.SingleToInt32Bits(b.Score));

        var grayTrain = Enumerable.Range(0, 3).Select(i => ClassicalFixtures.Good(ClassicalFixtures.NoiseTexture(64, i), i)).ToList();
        var fitError = Assert.Throws<InspectaUserException>(() => new TextureGmmDetector(Fast with { ImageSize = 64, Chroma = true }).Fit(grayTrain));
        Assert.Contains("--chroma", fitError.Message);
        var predictError = Assert.Throws<InspectaUserException>(() => loaded.Predict(grayTrain[0]));
        Assert.Contains("1 channel", predictError.Message);
    }

    private static ImageF Crop(ImageF image, int height, int width)
    {
        var output = new ImageF(image.Channels, height, width);
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < height; y++) image.Row(c, y)[..width].CopyTo(output.Row(c, y));
        return output;
    }
}
