using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>
/// Runs fit → save → load → predict → evaluate for every method on every category and measures
/// accuracy and efficiency side by side. Methods come as <see cref="MethodConfig"/>s (method + options + label) and are fitted
/// by the shared <see cref="ModelTrainer"/>; 2D and 3D methods go through the same interface
/// (methods that give per-point scores instead of maps get image AUROC only). Each category is scored in its
/// layout's protocol: MVTec LOCO AD categories (<see cref="BenchCategory.LocoDefects"/>) with AU-sPRO and
/// structural/logical image AUROC, as <c>inspecta eval</c> does; categories without masks with image AUROC only.
/// </summary>
public static class BenchRunner
{
    private const double MiB = 1024.0 * 1024.0;

    public static BenchReport Run(IReadOnlyList<BenchCategory> categories, BenchOptions options, string command,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        if (categories.Count == 0) throw new InspectaUserException("No categories to benchmark.");
        if (options.Methods.Count == 0) throw new InspectaUserException("No methods to benchmark (--methods).");
        if (options.Methods.GroupBy(m => m.Label).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InspectaUserException($"Two runs are labelled '{twice.Key}'; give each its own label.");
        var machine = MachineInfo.Current();
        var started = DateTime.UtcNow;
        var rows = new List<BenchRow>();
        int total = categories.Count * options.Methods.Count, done = 0;
        foreach (var category in categories)
            foreach (var method in options.Methods)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(new ProgressUpdate("runs", done, total));
                var rowProgress = progress is null ? null : new PrefixedProgress($"{category.Name}/{method.Label} ", progress);
                rows.Add(RunOne(category, method, options, rowProgress, ct));
                progress?.Report(new ProgressUpdate("runs", ++done, total));
            }
        return new BenchReport(machine, command, started, rows)
        {
            LoadAverageAfter = MachineInfo.LoadAverageNow(),
            PeakRssPerRow = PeakMemory.PerRow,
        };
    }

    /// <summary>One row; failures of the method itself become a row with <see cref="BenchRow.Error"/>.</summary>
    public static BenchRow RunOne(BenchCategory category, MethodConfig config, BenchOptions options,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        var method = config.Method;
        if (category.Test.Count == 0) throw new InspectaUserException($"Category '{category.Name}' has no test images.");
        string workDir = options.WorkDirectory ?? Directory.CreateTempSubdirectory("inspecta-bench-").FullName;
        bool ownDir = options.WorkDirectory is null;
        string modelPath = Path.Combine(workDir, $"{Safe(category.Name)}-{Safe(config.Label)}.inspecta");
        var row = new BenchRow
        {
            Category = category.Name, Method = config.Label, Backbone = BackboneLabel(config.Options),
            TrainImages = category.Train.Count, TestImages = category.Test.Count, Latency = new LatencyStats(0, double.NaN, double.NaN, double.NaN),
            Protocol = category.LocoDefects is null ? BenchRow.MvtecAdProtocol : BenchRow.LocoProtocol,
        };
        PeakMemory.Reset();
        try
        {
            // Fit (timed inside the trainer: Fit only, not calibration).
            double fitSeconds;
            bool texture = TextureCategories.Contains(category.Name);
            var context = new FitContext(category.Train) { Validation = category.Validation, TextureCategory = texture, Threads = options.Threads, Progress = progress, Cancellation = ct };
            using (var trained = ModelTrainer.Train(method, config.Options.ForCategory(texture), context, category: category.Name))
            {
                fitSeconds = trained.Summary?.FitSeconds ?? double.NaN;
                trained.Save(modelPath);
            }
            double modelMb = new FileInfo(modelPath).Length / MiB;

            // Predict with the model as a user gets it: loaded from its file (with its stored decision rule).
            var reader = ModelReader.Open(modelPath);
            using var detector = method.Load(reader);
            var storedRule = VerdictRule.From(CalibratedThresholds.FromJson(reader.Manifest["thresholds"]));
            {
                var (latencies, predictions, sizes, stages) = TimeBatchOne(detector, category.Test, options.WarmupImages, progress, ct);
                var latency = LatencyStats.From(latencies);
                var (throughput, bestBatch) = Throughput(detector, category.Test, latency, options, ct);
                var accuracy = Evaluate(category, predictions, sizes, progress);
                var verdicts = storedRule is { } rule ? Verdicts(category.Test, predictions, rule) : [];
                return row with
                {
                    Verdicts = verdicts,
                    GoodAccuracy = Share(verdicts.Where(v => v.Good).Select(v => !v.Defective)),
                    DefectiveAccuracy = Share(verdicts.Where(v => !v.Good).Select(v => v.Defective)),
                    Loco = accuracy.Loco,
                    ImageAuroc = accuracy.ImageAuroc, PixelAuroc = accuracy.PixelAuroc, AuPro30 = accuracy.AuPro30, AuPro05 = accuracy.AuPro05,
                    FitSeconds = fitSeconds, Latency = latency, Stages = stages, ThroughputImagesPerSecond = throughput, BestBatchSize = bestBatch,
                    ModelMegabytes = modelMb, PeakRssMegabytes = PeakMemory.PeakBytes() / MiB,
                };
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            bool user = Failure.Classify(e) == FailureKind.User;
            var leaves = Failure.Leaves(e);
            var cause = user ? leaves[0] : leaves.First(l => !Failure.IsUserFacing(l));
            return row with { Error = user ? Failure.UserMessage(cause) : cause.Message, ErrorIsUserError = user, PeakRssMegabytes = PeakMemory.PeakBytes() / MiB };
        }
        finally
        {
            if (!options.KeepModels) TryDelete(modelPath);
            if (ownDir && !options.KeepModels) try { Directory.Delete(workDir, true); } catch (IOException) { }
        }
    }

    /// <summary>Each test image judged by the model's stored rule on its map at prediction resolution, as <c>predict</c> judges it.</summary>
    private static BenchVerdict[] Verdicts(IReadOnlyList<Sample> test, Prediction[] predictions, VerdictRule rule) =>
        [.. test.Select((s, i) => { var v = rule.Judge(predictions[i]); return new BenchVerdict(s.Label, s.Id, s.IsGood, v.Defective, v.LargestRegion); })];

    private static double Share(IEnumerable<bool> right)
    {
        int n = 0, k = 0;
        foreach (bool r in right) { n++; if (r) k++; }
        return n == 0 ? double.NaN : (double)k / n;
    }

    /// <summary>Latency per image at batch size 1 after warm-up. Image decoding happens before the clock
    /// starts (the sample carries its pixels), so the figure is the method's own cost; the per-stage split
    /// reports the decoding as its own stage.</summary>
    private static (double[] Ms, Prediction[] Predictions, (int H, int W)?[] Sizes, Diagnostics.StageSplit Stages) TimeBatchOne(IAnomalyDetector detector,
        IReadOnlyList<Sample> test, int warmup, IProgress<ProgressUpdate>? progress, CancellationToken ct)
    {
        for (int i = 0; i < Math.Min(warmup, test.Count); i++) detector.Predict(Preloaded(test[i]));
        var split = new IReadOnlyList<(string, double)>[test.Count];
        using var stages = Diagnostics.StageTimer.Collect();
        var ms = new double[test.Count];
        var predictions = new Prediction[test.Count];
        var sizes = new (int, int)?[test.Count];
        var sw = new Stopwatch();
        for (int i = 0; i < test.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            Sample sample;
            using (Diagnostics.StageTimer.Measure("decode")) sample = Preloaded(test[i]);
            if (sample.Image is not null) sizes[i] = (sample.Image.Height, sample.Image.Width);
            sw.Restart();
            predictions[i] = detector.Predict(sample);
            sw.Stop();
            ms[i] = sw.Elapsed.TotalMilliseconds;
            split[i] = stages.Take();
            progress?.Report(new ProgressUpdate("predict", i + 1, test.Count));
        }
        return (ms, predictions, sizes, Diagnostics.StageSplit.FromImages(split));
    }

    /// <summary>Images per second at the best batch size: batch sizes are tried only for detectors that
    /// predict batches; otherwise it is batch size 1 from the latency measurement.</summary>
    private static (double ImagesPerSecond, int BatchSize) Throughput(IAnomalyDetector detector, IReadOnlyList<Sample> test, LatencyStats batchOne,
        BenchOptions options, CancellationToken ct)
    {
        double best = 1000.0 / batchOne.Mean;
        int bestSize = 1;
        if (detector is not IBatchPredictor batcher) return (best, bestSize);
        var pool = test.Take(Math.Max(1, options.ThroughputImages)).Select(Preloaded).ToArray();
        foreach (int size in options.BatchSizes.Where(b => b > 1 && b <= pool.Length))
        {
            ct.ThrowIfCancellationRequested();
            batcher.PredictBatch(pool[..size]);   // warm-up at this size (buffers, ORT shapes)
            int images = pool.Length / size * size;
            var sw = Stopwatch.StartNew();
            for (int start = 0; start + size <= images; start += size) batcher.PredictBatch(pool[start..(start + size)]);
            double rate = images / sw.Elapsed.TotalSeconds;
            if (rate > best) (best, bestSize) = (rate, size);
        }
        return (best, bestSize);
    }

    private sealed record Accuracy(double ImageAuroc, double PixelAuroc, double AuPro30, double AuPro05, LocoEvaluationResult? Loco = null);

    /// <summary>The integration limits of the AU-PRO / AU-sPRO columns.</summary>
    private static readonly double[] Limits = [0.05, 0.3];

    private static Accuracy Evaluate(BenchCategory category, Prediction[] predictions, (int H, int W)?[] imageSizes, IProgress<ProgressUpdate>? progress)
    {
        var test = category.Test;
        if (category.HasPixelGroundTruth && predictions.All(p => p.Map is not null))
        {
            var images = new EvaluatedImage[test.Count];
            for (int i = 0; i < test.Count; i++)
            {
                var map = predictions[i].Map!;
                var gt = GroundTruth(test[i], imageSizes[i] ?? (map.Height, map.Width));
                if (map.Height != gt.Height || map.Width != gt.Width) map = Resize.Bilinear(map, gt.Height, gt.Width);
                // LOCO: every ground-truth channel is one region with its own saturation (as in eval).
                var channels = category.LocoDefects is null ? null : test[i].LoadGroundTruthChannels();
                images[i] = new EvaluatedImage(test[i].Label, test[i].Id, predictions[i].Score, map, gt) { Channels = channels is { Count: > 0 } ? channels : null };
            }
            var options = new EvaluationOptions { Category = category.Name, Limits = Limits };
            if (category.LocoDefects is { } defects)
            {
                var loco = LocoEvaluator.Evaluate(images, defects, options, progress);
                return new Accuracy(loco.ImageAurocMean, double.NaN, double.NaN, double.NaN, loco);
            }
            var r = MetricsEvaluator.Evaluate(images, options, progress);
            return new Accuracy(r.ImageAuroc, r.PixelAuroc, r.AuPro[0.3], r.AuPro[0.05]);
        }
        if (category.LocoDefects is not null)
            throw new InspectaUserException($"Category '{category.Name}': the MVTec LOCO AD protocol needs anomaly maps, which this method does not produce.");
        // Per-point scores (unorganised 3D) or image-level labels only: image AUROC from the image scores.
        var scores = predictions.Select(p => p.Score).ToArray();
        var defective = test.Select(s => !s.IsGood).ToArray();
        return new Accuracy(RankingMetrics.Compute(scores, defective).Auroc, double.NaN, double.NaN, double.NaN);
    }

    /// <summary>The sample's ground truth (union of its masks), or an empty mask at image size for good samples.</summary>
    private static Mask GroundTruth(Sample sample, (int H, int W) imageSize)
    {
        if (sample.GroundTruth is not null) return sample.GroundTruth;
        var union = GroundTruthFiles.ReadUnion(sample.MaskPaths);
        if (union is not null) return union;
        if (!sample.IsGood) throw new InspectaUserException($"{sample}: defective test sample without ground truth.");
        return new Mask(imageSize.H, imageSize.W);
    }

    /// <summary>A copy of a 2D sample holding its decoded pixels (3D samples are read by the detector).</summary>
    private static Sample Preloaded(Sample s) =>
        s.Image is not null || string.IsNullOrEmpty(s.Path) || s.GeometryPath is not null ? s : s with { Image = s.LoadImage() };

    /// <summary>Names each row's stages ("bottle/patchcore features") so bars and log lines of different rows stay apart.</summary>
    private sealed class PrefixedProgress(string prefix, IProgress<ProgressUpdate> inner) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => inner.Report(value with { Stage = prefix + value.Stage });
    }

    /// <summary>The backbone of a method that has one: a path shows as its file name (tables stay readable), a preset as named.</summary>
    private static string? BackboneLabel(MethodOptions options) =>
        options.Schema().Find("backbone")?.Get(options) is string backbone ? File.Exists(backbone) ? Path.GetFileName(backbone) : backbone : null;

    private static string Safe(string s) => string.Concat(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
