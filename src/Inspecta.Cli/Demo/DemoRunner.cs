using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Reporting;
using Inspecta.Synthesis.ThreeD.Scan;
using Inspecta.Synthesis.TwoD;

namespace Inspecta.Cli.Demo;

/// <summary>Sizes of the demo run (small by default so it finishes in well under three minutes on two cores).</summary>
public sealed record DemoOptions(string WorkDir)
{
    public ulong Seed { get; init; } = 7;
    public int TrainCount { get; init; } = 24;
    public int Size2D { get; init; } = 256;
    public int Size3D { get; init; } = 192;
    public string Category2D { get; init; } = "flange";
    public string Category3D { get; init; } = "ring";
    public string? Backbone { get; init; }
    public bool WriteReports { get; init; } = true;
}

/// <summary>One evaluated (dataset, method) pair of the demo.</summary>
public sealed record DemoRow(string Dataset, string Data, string Method, string Why, EvaluationResult Result,
    double FitSeconds, double PredictMillisecondsPerImage, string? ReportPath);

/// <summary>
/// The demo pipeline: generate a 2D and a 3D synthetic category into the work folder, fit the chosen
/// methods on the good training images, calibrate thresholds on good validation images, predict the
/// test set, evaluate, and write an HTML report per main method.
/// </summary>
public sealed class DemoRunner(DemoOptions options)
{
    public DemoOptions Options { get; } = options;

    public sealed record Plan(DemoMethod Main2D, DemoMethod? Baseline2D, DemoMethod Rgb3D, IReadOnlyList<DemoMethod> Geometry3D, string BackboneNote)
    {
        /// <summary>Further deep 2D methods with the same backbone (PaDiM next to PatchCore).</summary>
        public IReadOnlyList<DemoMethod> Extra2D { get; init; } = [];
    }

    public Plan Choose()
    {
        var (backbone, note) = DemoMethods.ResolveBackbone(Options.Backbone);
        bool texture = Synth2DGenerator.GetCategory(Options.Category2D).IsTexture;
        int seed = (int)(Options.Seed % int.MaxValue);
        var main = DemoMethods.Main2D(backbone, note, texture, seed);
        return new Plan(main, DemoMethods.Baseline2D(main, seed), main with { Why = main.Why + "; on the RGB images of the scans" }, DemoMethods.ThreeDMethods(seed).ToList(), note)
        {
            Extra2D = main.Method == "patchcore" ? DemoMethods.Extra2D(backbone, seed).ToList() : [],
        };
    }

    public IReadOnlyList<DemoRow> Run(Plan plan, IProgress<ProgressUpdate> progress, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Options.WorkDir);
        var (train2D, validation2D, test2D, dir2D) = Generate2D(progress, ct);
        var (train3D, validation3D, test3D, dir3D) = Generate3D(progress, ct);
        var rows = new List<DemoRow>
        {
            Evaluate($"{Options.Category2D} (2D)", dir2D, plan.Main2D, train2D, validation2D, test2D, report: true, progress, ct),
        };
        foreach (var m in plan.Extra2D)
            rows.Add(Evaluate($"{Options.Category2D} (2D)", dir2D, m, train2D, validation2D, test2D, report: false, progress, ct));
        if (plan.Baseline2D is not null)
            rows.Add(Evaluate($"{Options.Category2D} (2D)", dir2D, plan.Baseline2D, train2D, validation2D, test2D, report: false, progress, ct));
        rows.Add(Evaluate($"{Options.Category3D} (3D, RGB)", dir3D, plan.Rgb3D, train3D, validation3D, test3D, report: true, progress, ct));
        foreach (var m in plan.Geometry3D)
            rows.Add(Evaluate($"{Options.Category3D} (3D, xyz)", dir3D, m, train3D, validation3D, test3D, report: true, progress, ct));
        return rows;
    }

    private (List<Sample> Train, List<Sample> Validation, List<Sample> Test, string Dir) Generate2D(IProgress<ProgressUpdate> progress, CancellationToken ct)
    {
        var category = Synth2DGenerator.GetCategory(Options.Category2D);
        var synthOptions = new Synth2DOptions { Seed = Options.Seed, Size = Options.Size2D, TrainCount = Options.TrainCount, TestPerDefect = Math.Max(2, Options.TrainCount / 8), TestGoodCount = Math.Max(3, Options.TrainCount / 4) };
        var generator = new Synth2DGenerator(synthOptions);
        var plan = generator.Plan(category).ToList();
        int validationCount = Math.Max(3, Options.TrainCount / 6);
        for (int i = 0; i < validationCount; i++) plan.Add(new SamplePlan2D(Split.Validation, Sample.GoodLabel, null, i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), i));
        string root = Path.Combine(Options.WorkDir, "data", "synthetic-2d");
        var samples = new Sample[plan.Count];
        long done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var s = generator.Generate(category, plan[i]);
            string imagePath = Synth2DWriter.WriteSample(Path.Combine(root, category.Name), category, s);
            samples[i] = s.ToSample() with { Path = imagePath };
            progress.Report(new ProgressUpdate("generate 2D images", Interlocked.Increment(ref done), plan.Count));
        });
        return (samples.Where(s => s.Split == Split.Train).ToList(), samples.Where(s => s.Split == Split.Validation).ToList(),
            samples.Where(s => s.Split == Split.Test).ToList(), Path.Combine(root, category.Name));
    }

    private (List<Sample> Train, List<Sample> Validation, List<Sample> Test, string Dir) Generate3D(IProgress<ProgressUpdate> progress, CancellationToken ct)
    {
        var obj = ScanObjectClass.Get(Options.Category3D);
        var scanOptions = new ScanStyleOptions { Seed = Options.Seed, Size = Options.Size3D, TrainCount = Options.TrainCount, ValidationCount = Math.Max(3, Options.TrainCount / 6), TestPerDefect = Math.Max(2, Options.TrainCount / 8), TestGoodCount = Math.Max(3, Options.TrainCount / 4) };
        var generator = new ScanStyleGenerator(scanOptions);
        var plan = generator.Plan();
        string root = Path.Combine(Options.WorkDir, "data", "synthetic-3d");
        var samples = new Sample[plan.Count];
        long done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (split, label, id, index) = plan[i];
            var s = generator.Generate(obj, split, label, id, index);
            var (rgbPath, xyzPath) = ScanStyleWriter.WriteSample(Path.Combine(root, obj.Name), s);
            samples[i] = new Sample(id, rgbPath, split, label) { Image = s.Rgb, GroundTruth = s.GroundTruth, GeometryPath = xyzPath };
            progress.Report(new ProgressUpdate("generate 3D scans", Interlocked.Increment(ref done), plan.Count));
        });
        return (samples.Where(s => s.Split == Split.Train).ToList(), samples.Where(s => s.Split == Split.Validation).ToList(),
            samples.Where(s => s.Split == Split.Test).ToList(), Path.Combine(root, obj.Name));
    }

    private DemoRow Evaluate(string dataset, string dataDir, DemoMethod method, List<Sample> train, List<Sample> validation, List<Sample> test,
        bool report, IProgress<ProgressUpdate> progress, CancellationToken ct)
    {
        var stage = new StageProgress(progress, method.Method);
        using var model = ModelTrainer.Train(method.Descriptor, method.Options,
            new FitContext(train) { Validation = validation, Progress = stage, Cancellation = ct }, dataset: "synthetic", category: dataset);
        var sw = Stopwatch.StartNew();
        var images = new EvaluatedImage[test.Count];
        for (int i = 0; i < test.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var p = model.Detector.Predict(test[i]);
            images[i] = new EvaluatedImage(test[i].Label, test[i].Id, p.Score,
                p.Map ?? throw new InvalidOperationException($"{method.Method} produced no anomaly map."), test[i].GroundTruth!);
            progress.Report(new ProgressUpdate($"{method.Method}: predict {dataset}", i + 1, test.Count));
        }
        double predictMs = sw.Elapsed.TotalMilliseconds / Math.Max(1, test.Count);
        var result = MetricsEvaluator.Evaluate(images, new EvaluationOptions { Category = dataset, ExportCurves = report });
        string? reportPath = null;
        if (report && Options.WriteReports)
        {
            string reportsDir = Path.Combine(Options.WorkDir, "reports");
            Directory.CreateDirectory(reportsDir);
            reportPath = Path.Combine(reportsDir, $"{Slug(dataset)}-{method.Method}.html");
            var items = images.Select((e, i) => ReportInputs.Item(e, test[i].LoadImage, test[i].Path)).ToList();
            var threshold = model.Rule is { } rule ? ReportThreshold.From(rule) : null;
            var input = ReportInputs.FromEvaluation(result, items, threshold, $"Inspecta demo: {method.Method} on {dataset}",
                [new("dataset", dataDir), new("method", method.Method), new("why this method", method.Why), new("train / validation / test", $"{train.Count} / {validation.Count} / {test.Count}")]);
            HtmlReportWriter.Write(input, reportPath, new ReportOptions(), new StageProgress(progress, $"{method.Method}: report"), ct);
        }
        return new DemoRow(dataset, dataDir, method.Method, method.Why, result, model.Summary?.FitSeconds ?? 0, predictMs, reportPath);
    }

    private static string Slug(string s)
    {
        var spaced = new string(s.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ').ToArray());
        return string.Join('-', spaced.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Prefixes the stage names of a library call with the method, so each gets its own bar.</summary>
    private sealed class StageProgress(IProgress<ProgressUpdate> inner, string prefix) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => inner.Report(value with { Stage = value.Stage.StartsWith(prefix, StringComparison.Ordinal) ? value.Stage : $"{prefix}: {value.Stage}" });
    }
}
