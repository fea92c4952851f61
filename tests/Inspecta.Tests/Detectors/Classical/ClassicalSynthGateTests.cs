using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.TextureGmm;
using Inspecta.Detectors.VariationModel;
using Inspecta.Imaging;
using Inspecta.Synthesis.TwoD;
using Xunit.Abstractions;

namespace Inspecta.Tests.Detectors.Classical;

/// <summary>
/// The issue's gates on the synthetic generator: the patch-statistics model wins on textures, the
/// per-pixel model wins on the aligned object. Compared by pixel AUROC (localisation is what both
/// methods are for) with image AUROC reported alongside.
/// </summary>
public class ClassicalSynthGateTests(ITestOutputHelper output)
{
    private const int Size = 128;

    private static (List<Sample> Train, List<Sample> Test) Category(string name, int train = 16)
    {
        var generator = new Synth2DGenerator(new Synth2DOptions { Seed = 7, Size = Size, TrainCount = train, TestGoodCount = 4, TestPerDefect = 2 });
        var category = Synth2DGenerator.GetCategory(name);
        var samples = generator.Plan(category).AsParallel().AsOrdered().Select(item =>
        {
            var s = generator.Generate(category, item);
            return new Sample(s.Id, "", s.Split, s.Label) { Image = s.Image, GroundTruth = s.UnionMask() };
        }).ToList();
        return (samples.Where(s => s.Split == Split.Train).ToList(), samples.Where(s => s.Split == Split.Test).ToList());
    }

    private (double Pixel, double Image) Evaluate(IAnomalyDetector detector, List<Sample> train, List<Sample> test, string what)
    {
        detector.Fit(train);
        var good = new List<float>(); var bad = new List<float>();
        var maps = new List<AnomalyMap>(); var masks = new List<Mask>();
        foreach (var s in test)
        {
            var p = detector.Predict(s);
            ClassicalFixtures.AssertValidMap(p.Map, Size, Size);
            (s.IsGood ? good : bad).Add(p.Score);
            maps.Add(p.Map!); masks.Add(s.GroundTruth!);
        }
        var result = (ClassicalFixtures.PixelAuroc(maps, masks), ClassicalFixtures.ImageAuroc(good, bad));
        output.WriteLine($"{what}: pixel AUROC {result.Item1:F3}, image AUROC {result.Item2:F3}");
        return result;
    }

    private static TextureGmmOptions GmmOptions => new() { ImageSize = Size, PyramidLevels = 3, SamplesPerLevel = 4000, GmmComponents = [1, 2, 4], Seed = 1 };

    // texture-gmm as configured in the MVTec AD benchmark (grayscale) wins on weave and tiles. On marble most
    // defects are colour or brightness changes of a smooth body that grayscale patches cannot tell from lighting,
    // so there only the chromaticity extension (--chroma) wins; it must win on every texture category.
    [Theory]
    [InlineData("weave", false)]
    [InlineData("tiles", false)]
    [InlineData("weave", true)]
    [InlineData("tiles", true)]
    [InlineData("marble", true)]
    public void TextureGmmBeatsVariationOnSyntheticTextures(string category, bool chroma)
    {
        var (train, test) = Category(category);
        var gmm = Evaluate(new TextureGmmDetector(GmmOptions with { Chroma = chroma }), train, test, $"{category} texture-gmm{(chroma ? " --chroma" : "")}");
        var variation = Evaluate(new VariationModelDetector(new VariationOptions()), train, test, $"{category} variation");
        Assert.True(gmm.Image > variation.Image && gmm.Pixel > variation.Pixel,
            $"{category}: texture-gmm image/pixel AUROC {gmm.Image:F3}/{gmm.Pixel:F3} vs variation {variation.Image:F3}/{variation.Pixel:F3}");
    }

    [Fact]
    public void VariationBeatsTextureGmmOnAlignedSyntheticObject()
    {
        // The flange varies in pose (±7 px, ±5°) and lighting (gain ±12 %, gradients), so the per-pixel
        // model needs its rigid alignment and lighting-plane compensation.
        var (train, test) = Category("flange");
        var variation = Evaluate(new VariationModelDetector(new VariationOptions { Alignment = "rigid", Illumination = "plane" }), train, test, "flange variation (rigid, plane)");
        foreach (bool chroma in new[] { false, true })
        {
            var gmm = Evaluate(new TextureGmmDetector(GmmOptions with { Chroma = chroma }), train, test, $"flange texture-gmm{(chroma ? " --chroma" : "")}");
            Assert.True(variation.Image > gmm.Image + 0.1 && variation.Pixel > gmm.Pixel,
                $"flange: variation image/pixel AUROC {variation.Image:F3}/{variation.Pixel:F3} vs texture-gmm (chroma {chroma}) {gmm.Image:F3}/{gmm.Pixel:F3}");
        }
    }
}
