using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors;

/// <summary>
/// Fits one method once on the full bottle train set (resnet50v2, layer2+layer3 by default) and evaluates it
/// on the full test set with the official metrics; the gate tests of a method share one instance.
/// </summary>
public abstract class BottleGateFixture : IDisposable
{
    public IAnomalyDetector? Detector { get; }
    public EvaluationResult? Result { get; }
    public double FitSeconds { get; }
    public double PredictMsMedian { get; }
    public IReadOnlyList<(Sample Sample, Prediction Prediction)> Predictions { get; } = [];

    protected BottleGateFixture(string method)
    {
        if (SharedData.TryPath("data", "mvtec_ad", "bottle") is null || SharedData.TryPath("models", "resnet50v2_imagenet_l123.onnx") is null) return;
        var descriptor = MethodRegistry.Default.Get(method);
        var options = descriptor.Schema.With(descriptor.DefaultOptions(),
            [(descriptor.Schema.Find("backbone")!, Path.Combine(SharedData.ModelsDir, "resnet50v2_imagenet_l123.onnx"))]);
        Detector = descriptor.Create(options);
        var sw = Stopwatch.StartNew();
        Detector.Fit(BottleSamples.Train(SharedData.BottleDir));
        FitSeconds = sw.Elapsed.TotalSeconds;
        var test = BottleSamples.Test(SharedData.BottleDir);
        var times = new List<double>();
        var predictions = new List<(Sample, Prediction)>();
        var images = new List<EvaluatedImage>();
        foreach (var s in test)
        {
            sw.Restart();
            var p = Detector.Predict(s);
            times.Add(sw.Elapsed.TotalMilliseconds);
            predictions.Add((s, p));
            images.Add(new EvaluatedImage(s.Label, s.Id, p.Score, p.Map!, GroundTruth(s, p.Map!)));
        }
        times.Sort();
        PredictMsMedian = times[times.Count / 2];
        Predictions = predictions;
        Result = MetricsEvaluator.Evaluate(images, new EvaluationOptions { Category = "bottle" });
        Console.WriteLine($"[gate] {Detector.Method}: image AUROC {Result.ImageAuroc:F4}, pixel AUROC {Result.PixelAuroc:F4}, AU-PRO@0.3 {Result.AuProAtDefaultLimit:F4}, " +
                          $"fit {FitSeconds:F1}s, predict median {PredictMsMedian:F0} ms (load {File.ReadAllText("/proc/loadavg").Trim()})");
    }

    internal static Mask GroundTruth(Sample s, AnomalyMap like)
    {
        if (s.IsGood) return new Mask(like.Height, like.Width);
        var img = ImageIO.Read(s.MaskPaths[0]);
        var m = new Mask(img.Height, img.Width);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = img.Data[i] > 0.5f ? (byte)1 : (byte)0;
        return m;
    }

    public void Dispose() => (Detector as IDisposable)?.Dispose();
}

public sealed class PatchCoreGateFixture() : BottleGateFixture("patchcore");

public sealed class PadimGateFixture() : BottleGateFixture("padim");
