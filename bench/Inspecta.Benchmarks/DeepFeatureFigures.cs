using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Padim;
using Inspecta.Detectors.PatchCore;
using Inspecta.Detectors.Spade;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Search;

namespace Inspecta.Benchmarks;

/// <summary>
/// `deep-figures &lt;bottle-dir&gt; &lt;backbone.onnx&gt; [methods]`: fits PatchCore (10 % and 1 % coreset), PaDiM and
/// SPADE on the real bottle train set, predicts the test set, and prints fit time, predict time (PatchCore
/// split into backbone / search / map), accuracy, peak RSS and the machine load. Figures for docs/benchmarks.md.
/// </summary>
public static class DeepFeatureFigures
{
    public static void Print(string bottle, string backbone, string methods)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine($"GEMM peak (Sgemm 1536³): {GemmPeak.MeasureGflops():F0} GFLOP/s; load {Load()}");
        var train = List(Path.Combine(bottle, "train", "good"), Split.Train, "good");
        var test = Directory.GetDirectories(Path.Combine(bottle, "test")).Order(StringComparer.Ordinal)
            .SelectMany(d => List(d, Split.Test, Path.GetFileName(d))).ToArray();
        foreach (string m in methods.Split(','))
        {
            switch (m)
            {
                case "patchcore": Run($"PatchCore 10%", new PatchCoreDetector(new PatchCoreOptions { Backbone = backbone, CoresetRatio = 0.1 }), train, test, bottle); break;
                case "patchcore1": Run($"PatchCore 1%", new PatchCoreDetector(new PatchCoreOptions { Backbone = backbone, CoresetRatio = 0.01 }), train, test, bottle); break;
                case "padim": Run("PaDiM", new PadimDetector(new PadimOptions { Backbone = backbone }), train, test, bottle); break;
                case "spade": Run("SPADE", new SpadeDetector(new SpadeOptions { Backbone = backbone }), train, test, bottle); break;
                default: throw new ArgumentException($"unknown method {m}");
            }
        }
        Console.WriteLine($"peak RSS: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB");
    }

    private static void Run(string name, IAnomalyDetector detector, Sample[] train, Sample[] test, string bottle)
    {
        GC.Collect();
        var sw = Stopwatch.StartNew();
        double featuresAt = 0;
        detector.Fit(train, new Sync(u => { if (u.Stage == "features" && u.Done == u.Total) featuresAt = sw.Elapsed.TotalSeconds; }));
        double fit = sw.Elapsed.TotalSeconds;
        string extra = detector is PatchCoreDetector pc ? $", bank {pc.FullBankSize} → {pc.BankSize}, coreset {pc.CoresetSeconds:F1} s" : "";
        Console.WriteLine($"{name}: fit {fit:F1} s (features {featuresAt:F1} s{extra}); load {Load()}");
        var r = PredictAndEvaluate(name, detector, test, bottle);
        Console.WriteLine($"{name}: image AUROC {r.ImageAuroc:F4}, pixel AUROC {r.PixelAuroc:F4}, AU-PRO@0.3 {r.AuProAtDefaultLimit:F4}");
        (detector as IDisposable)?.Dispose();
    }

    /// <summary>Predicts the bottle test split (after one warm-up), prints the latency and returns the metrics.</summary>
    internal static EvaluationResult PredictAndEvaluate(string name, IAnomalyDetector detector, Sample[] test, string bottle)
    {
        detector.Predict(test[0]); // warm-up
        var split = new List<IReadOnlyList<(string Stage, double Milliseconds)>>();
        using var stages = Inspecta.Diagnostics.StageTimer.Collect();
        var times = new List<double>();
        var images = new List<EvaluatedImage>();
        var sw = new Stopwatch();
        foreach (var s in test)
        {
            sw.Restart();
            var pred = detector.Predict(s);
            times.Add(sw.Elapsed.TotalMilliseconds);
            split.Add(stages.Take());
            images.Add(new EvaluatedImage(s.Label, s.Id, pred.Score, pred.Map!, Gt(s, bottle, pred.Map!)));
        }
        times.Sort();
        string parts = " = " + string.Join(" + ", split[0].Select(x => x.Stage).Select(stage =>
            $"{stage} {Median(split.Select(t => t.FirstOrDefault(x => x.Stage == stage).Milliseconds))}")) + " ms (medians)";
        var r = MetricsEvaluator.Evaluate(images, new EvaluationOptions { Category = "bottle" });
        Console.WriteLine($"{name}: predict median {times[times.Count / 2]:F0} ms, p95 {times[(int)(times.Count * 0.95)]:F0} ms{parts}; load {Load()}");
        return r;
    }

    private static string Median(IEnumerable<double> v)
    {
        var a = v.Order().ToArray();
        return a[a.Length / 2].ToString("F0");
    }

    internal static Mask Gt(Sample s, string bottle, AnomalyMap like)
    {
        if (s.IsGood) return new Mask(like.Height, like.Width);
        var img = ImageIO.Read(Path.Combine(bottle, "ground_truth", s.Label, s.Id + "_mask.png"));
        var m = new Mask(img.Height, img.Width);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = img.Data[i] > 0.5f ? (byte)1 : (byte)0;
        return m;
    }

    internal static Sample[] List(string dir, Split split, string label) =>
        Directory.GetFiles(dir, "*.png").Order(StringComparer.Ordinal)
            .Select(f => new Sample(Path.GetFileNameWithoutExtension(f), f, split, label)).ToArray();

    internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "n/a";

    private sealed class Sync(Action<ProgressUpdate> a) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => a(value);
    }
}
