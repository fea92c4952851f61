using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Torch.Methods.Autoencoder;
using Inspecta.Torch.Methods.FAnoGan;
using Inspecta.Torch.Training;

namespace Inspecta.Benchmarks;

/// <summary>
/// `torch-figures &lt;bottle-dir&gt; &lt;methods&gt; &lt;epochs&gt; &lt;samples-per-epoch&gt; [threads]`: trains the reconstruction
/// baselines (ae-l2, ae-ssim, vae, f-anogan) on the real bottle train split (10 % carved for the validation loss),
/// predicts the test split and prints training samples/s, fit time, predict latency, image AUROC, pixel AUROC and
/// AU-PRO@0.3, with the thesis's Table 4.2/4.4 bottle figures beside them.
/// </summary>
public static class TorchFigures
{
    private static readonly Dictionary<string, (double Pro, double Image)> Thesis = new()
    {
        ["ae-l2"] = (0.567, 0.962), ["ae-ssim"] = (0.703, 0.483), ["f-anogan"] = (0.440, 0.839), ["vae"] = (double.NaN, double.NaN),
    };

    public static void Print(string bottle, string methods, int epochs, int samplesPerEpoch, int threads, int? batch, double? learningRate)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; load {Load()}");
        var train = List(Path.Combine(bottle, "train", "good"), Split.Train, "good");
        var test = Directory.GetDirectories(Path.Combine(bottle, "test")).Order(StringComparer.Ordinal)
            .SelectMany(d => List(d, Split.Test, Path.GetFileName(d))).ToArray();
        Console.WriteLine($"training: {epochs} epochs × {samplesPerEpoch} samples, batch {batch?.ToString() ?? "default"}, lr {learningRate?.ToString() ?? "default"}, {threads} threads");
        foreach (string m in methods.Split(','))
        {
            TrainedMethodOptions options = m switch
            {
                "ae-l2" => new L2AutoencoderOptions(),
                "ae-ssim" => new SsimAutoencoderOptions(),
                "vae" => new VaeOptions(),
                "f-anogan" => new FAnoGanOptions(),
                _ => throw new ArgumentException($"unknown method {m}"),
            };
            options = options with { Epochs = epochs, SamplesPerEpoch = samplesPerEpoch, Seed = 1 };
            if (batch is int b) options = options with { BatchSize = b };
            if (learningRate is double lr) options = options with { LearningRate = lr };
            var detector = Inspecta.Detectors.Registry.MethodRegistry.Default.Get(m).Create(options);
            Run(m, detector, new FitContext(train) { Threads = threads, Epochs = Epochs(m) }, test, bottle);
        }
    }

    /// <summary>ae-ssim against ae-l2 on a synthetic texture (crops at a quarter-crop stride): pixel and image AUROC.</summary>
    public static void Synthetic(string names, int epochs, int samplesPerEpoch, int threads, int crop, int latent, double learningRate, int imageSize)
    {
        var generator = new Inspecta.Synthesis.TwoD.Synth2DGenerator(new Inspecta.Synthesis.TwoD.Synth2DOptions { Seed = 7, Size = Math.Max(64, imageSize), TrainCount = 12, TestGoodCount = 4, TestPerDefect = 3 });
        foreach (string name in names.Split(','))
        {
        var category = Inspecta.Synthesis.TwoD.Synth2DGenerator.GetCategory(name);
        var samples = generator.Plan(category).Select(item => generator.Generate(category, item).ToSample()).ToList();
        var train = samples.Where(s => s.Split == Split.Train).ToList();
        var test = samples.Where(s => s.Split == Split.Test).ToList();
            foreach (var variant in new[] { AutoencoderVariant.Ssim, AutoencoderVariant.L2 })
            {
                var sw = Stopwatch.StartNew();
                AutoencoderOptions options = variant == AutoencoderVariant.Ssim
                    ? new SsimAutoencoderOptions { SsimConstants = Environment.GetEnvironmentVariable("INSPECTA_SSIM_THESIS") == "1" ? "thesis" : "standard" }
                    : new L2AutoencoderOptions();
                if (Environment.GetEnvironmentVariable("INSPECTA_SYNTH_GRAY") == "1") options = options with { Color = "gray" };
                using var d = new AutoencoderDetector(options with
                {
                    ImageSize = imageSize, CropSize = crop, Stride = Math.Max(1, crop / 4), Latent = latent,
                    Epochs = epochs, BatchSize = 32, SamplesPerEpoch = samplesPerEpoch, LearningRate = learningRate, Seed = 1,
                });
                d.Fit(new FitContext(train) { Threads = threads });
                var scores = new List<float>(); var positive = new List<bool>();
                var good = new List<float>(); var bad = new List<float>();
                foreach (var s in test)
                {
                    var p = d.Predict(s);
                    scores.AddRange(p.Map!.Data);
                    positive.AddRange(s.LoadGroundTruth().Data.Select(v => v != 0));
                    (s.IsGood ? good : bad).Add(p.Score);
                }
                double pixel = RankingMetrics.Compute(scores.ToArray(), positive.ToArray(), "pixel_roc").Auroc;
                double image = RankingMetrics.Compute([.. good, .. bad], [.. good.Select(_ => false), .. bad.Select(_ => true)]).Auroc;
                Console.WriteLine($"{name} crop {crop} latent {latent} {variant.MethodId()}: pixel AUROC {pixel:F3}, image AUROC {image:F3}, final loss {d.History[^1].Loss:G4}, {sw.Elapsed.TotalSeconds:F0} s; load {Load()}");
            }
        }
    }

    private static IProgress<TrainingEpoch> Epochs(string m) => new Sync<TrainingEpoch>(e =>
        Console.WriteLine($"  {m} {e.Phase} epoch {e.Epoch}/{e.Epochs}: loss {e.Loss:G5}, val {e.ValidationLoss:G5}, {e.SamplesPerSecond:F1} samples/s, {e.Elapsed.TotalSeconds:F0} s; load {Load()}"));

    private static void Run(string name, IAnomalyDetector detector, FitContext context, Sample[] test, string bottle)
    {
        var sw = Stopwatch.StartNew();
        detector.Fit(context);
        double fit = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"{name}: fit {fit:F0} s; load {Load()}");
        var r = DeepFeatureFigures.PredictAndEvaluate(name, detector, test, bottle);
        var (pro, img) = Thesis[name];
        Console.WriteLine($"{name}: image AUROC {r.ImageAuroc:F4} (thesis {img:F3}), pixel AUROC {r.PixelAuroc:F4}, AU-PRO@0.3 {r.AuProAtDefaultLimit:F4} (thesis {pro:F3})");
        detector.Dispose();
    }

    // The bottle helpers are DeepFeatureFigures' (same data, same ground-truth reading, same load figure).
    private static Sample[] List(string dir, Split split, string label) => DeepFeatureFigures.List(dir, split, label);
    private static string Load() => DeepFeatureFigures.Load();

    private sealed class Sync<T>(Action<T> a) : IProgress<T>
    {
        public void Report(T value) => a(value);
    }
}
