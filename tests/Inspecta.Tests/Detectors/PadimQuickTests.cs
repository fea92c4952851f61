using Inspecta.Detectors;
using Inspecta.Detectors.Padim;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors;

public class PadimQuickTests
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void SmallFitSeparatesBottleDefects()
    {
        var train = BottleSamples.Train(SharedData.BottleDir).Take(30).ToArray();
        var test = BottleSamples.Test(SharedData.BottleDir).Where((s, i) => i % 4 == 0).ToArray();
        using var d = new PadimDetector(new FitOptions { Backbone = Path.Combine(SharedData.ModelsDir, "resnet50v2_imagenet_l123.onnx") });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        double featuresDone = 0;
        d.Fit(train, new Sync(u => { if (u.Stage == "features" && u.Done == u.Total) featuresDone = sw.Elapsed.TotalSeconds; }));
        var fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var scores = test.Select(s => (d.Predict(s).Score, !s.IsGood)).ToArray();
        double auroc = BottleSamples.Auroc(scores);
        Console.WriteLine($"padim d={d.Dimension} fit {fit:F1}s (features {featuresDone:F1}s) predict {sw.Elapsed.TotalMilliseconds / test.Length:F0} ms/img auroc {auroc:F4}");
        Assert.True(auroc > 0.9, $"image AUROC {auroc}");
    }

    private sealed class Sync(Action<ProgressUpdate> a) : IProgress<ProgressUpdate> { public void Report(ProgressUpdate v) => a(v); }
}
