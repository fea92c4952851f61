using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.TextureGmm;
using Inspecta.Detectors.VariationModel;
using Inspecta.Evaluation;
using Inspecta.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Inspecta.Tests.Detectors.Classical;

/// <summary>
/// The real-data gate: on MVTec AD bottle both backbone-free baselines give finite maps at the input
/// resolution, and their image AUROC / AU-PRO@0.3 are computed with the evaluation module. The suite
/// runs a subset to stay within its time budget; INSPECTA_BOTTLE_FULL=1 runs every image (the
/// figures in docs/benchmarks.md).
/// </summary>
public class ClassicalBottleTests(ITestOutputHelper output)
{
    private static readonly bool Full = Environment.GetEnvironmentVariable("INSPECTA_BOTTLE_FULL") == "1";

    private (double ImageAuroc, double AuPro) Run(IAnomalyDetector detector, string name)
    {
        var category = DatasetReader.Open(SharedData.BottleDir).Get("bottle");
        var train = Full ? category.Train : category.Train.Take(20).ToList();
        var test = Full ? category.Test : category.Test.Where((_, i) => i % 4 == 0).ToList();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        detector.Fit([.. train, .. category.Validation.Take(Full ? int.MaxValue : 6)]);
        double fitSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var images = new List<EvaluatedImage>();
        foreach (var sample in test)
        {
            var prediction = detector.Predict(sample);
            var truth = sample.LoadGroundTruth();
            ClassicalFixtures.AssertValidMap(prediction.Map, truth.Height, truth.Width);
            Assert.Equal(prediction.Map!.Max(), prediction.Score);
            images.Add(new EvaluatedImage(sample.Label, sample.Id, prediction.Score, prediction.Map, truth));
        }
        double predictMs = sw.Elapsed.TotalMilliseconds / test.Count;
        var result = MetricsEvaluator.Evaluate(images, new EvaluationOptions { Category = "bottle" });
        output.WriteLine($"bottle {name}: train {train.Count}, test {test.Count}, image AUROC {result.ImageAuroc:F3}, " +
                         $"AU-PRO@0.3 {result.AuProAtDefaultLimit:F3}, pixel AUROC {result.PixelAuroc:F3}, fit {fitSeconds:F1} s, predict {predictMs:F0} ms/image (with decoding)");
        Assert.InRange(result.ImageAuroc, 0, 1);
        Assert.InRange(result.AuProAtDefaultLimit, 0, 1);
        return (result.ImageAuroc, result.AuProAtDefaultLimit);
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void VariationModelOnBottle()
    {
        var (image, pro) = Run(new VariationModelDetector(new VariationOptions { Alignment = "rigid" }), "variation (rigid)");
        // Bottles are centred and rotation-symmetric: a per-pixel model must clearly beat chance.
        Assert.True(image > 0.7 && pro > 0.3, $"image AUROC {image:F3}, AU-PRO {pro:F3}");
    }

    [SharedTheory("data", "mvtec_ad", "bottle")]
    [InlineData(false)]
    [InlineData(true)]
    public void TextureGmmOnBottle(bool chroma)
    {
        var options = Full ? new TextureGmmOptions() : new TextureGmmOptions { SamplesPerLevel = 3000, GmmComponents = [1, 2, 4] };
        var (image, pro) = Run(new TextureGmmDetector(options with { Chroma = chroma }), chroma ? "texture-gmm --chroma" : "texture-gmm");
        Assert.True(image > 0.5 && pro > 0.2, $"image AUROC {image:F3}, AU-PRO {pro:F3}");
    }
}
