using Inspecta.Detectors;
using Inspecta.Detectors.PatchCore;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors;

public class PatchCoreQuickTests
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void SmallBankSeparatesBottleDefects()
    {
        var train = BottleSamples.Train(SharedData.BottleDir).Take(20).ToArray();
        var test = BottleSamples.Test(SharedData.BottleDir).Where((s, i) => i % 4 == 0).ToArray();
        using var d = new PatchCoreDetector(new FitOptions { Backbone = Path.Combine(SharedData.ModelsDir, "resnet50v2_imagenet_l123.onnx"), CoresetRatio = 0.1 });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        d.Fit(train);
        var fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var scores = test.Select(s => (d.Predict(s).Score, !s.IsGood)).ToArray();
        double auroc = BottleSamples.Auroc(scores);
        Console.WriteLine($"fit {fit:F1}s predict {sw.Elapsed.TotalMilliseconds / test.Length:F0} ms/img bank {d.BankSize}/{d.FullBankSize} auroc {auroc:F4}");
        Assert.True(auroc > 0.95, $"image AUROC {auroc}");
    }
}
