using Inspecta.Detectors.Registry;
using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Synthesis.ThreeD.Scan;

namespace Inspecta.Benchmarks;

/// <summary>
/// BTF (btf-raw / btf-fpfh / btf-fpfh-rgb) on a synthetic MVTec 3D-AD-style category: fit and predict times and
/// the official metrics, over all test scans and over the geometric defects only (contamination is colour-only).
/// </summary>
public static class BtfFigures
{
    public static void Print(int size, int train, string methods, string? backbone, string objectName = "disc")
    {
        string root = Directory.CreateTempSubdirectory("inspecta-btf-bench-").FullName;
        try
        {
            var sw = Stopwatch.StartNew();
            Write(root, objectName, size, train);
            Console.WriteLine($"data: {objectName} {size}×{size}, train {train}, written in {sw.Elapsed.TotalSeconds:F1} s");
            var category = DatasetReader.Open(Path.Combine(root, objectName)).Categories.Single();
            foreach (string method in methods.Split(','))
                Run(method, category, backbone);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    private static void Write(string root, string objectName, int size, int train)
    {
        var gen = new ScanStyleGenerator(new ScanStyleOptions { Seed = 3, Size = size, TrainCount = train });
        var obj = ScanObjectClass.Get(objectName);
        Parallel.ForEach(gen.Plan().Where(p => p.Split != Split.Validation), p =>
        {
            var s = gen.Generate(obj, p.Split, p.Label, p.Id, p.Index);
            string dir = Path.Combine(root, objectName, s.Split == Split.Train ? "train" : "test", s.Label);
            foreach (string sub in new[] { "rgb", "xyz", "gt" }) Directory.CreateDirectory(Path.Combine(dir, sub));
            ImageIO.WritePng(Path.Combine(dir, "rgb", s.Id + ".png"), s.Rgb);
            ImageIO.WriteTiff(Path.Combine(dir, "xyz", s.Id + ".tiff"), s.Xyz);
            if (s.Split == Split.Test) ImageIO.WritePng(Path.Combine(dir, "gt", s.Id + ".png"), s.GroundTruth);
        });
    }

    private static void Run(string method, Category category, string? backbone)
    {
        var descriptor = MethodRegistry.Default.Get(method);
        var options = descriptor.DefaultOptions();
        if (backbone is not null && descriptor.Schema.Find("backbone") is { } b) options = descriptor.Schema.With(options, [(b, backbone)]);
        var detector = descriptor.Create(options);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        detector.Fit(category.Train);
        double fit = sw.Elapsed.TotalSeconds, fitCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        var times = new List<double>();
        var images = new List<EvaluatedImage>();
        foreach (var s in category.Test)
        {
            sw.Restart();
            var p = detector.Predict(s);
            times.Add(sw.Elapsed.TotalMilliseconds);
            images.Add(new EvaluatedImage(s.Label, s.Id, p.Score, p.Map!, s.LoadGroundTruth()));
        }
        times.Sort();
        var all = MetricsEvaluator.Evaluate(images, new EvaluationOptions());
        var geometric = MetricsEvaluator.Evaluate(images.Where(i => i.Label != ScanDefectTypes.Contamination).ToList(), new EvaluationOptions());
        Console.WriteLine($"{method}: fit {fit:F1} s wall / {fitCpu:F1} s CPU ({category.Train.Count} scans), predict median {times[times.Count / 2]:F0} ms; " +
                          $"all defects: image AUROC {all.ImageAuroc:F3}, pixel AUROC {all.PixelAuroc:F3}, AU-PRO@0.3 {all.AuProAtDefaultLimit:F3}; " +
                          $"geometric only: image AUROC {geometric.ImageAuroc:F3}, pixel AUROC {geometric.PixelAuroc:F3}, AU-PRO@0.3 {geometric.AuProAtDefaultLimit:F3} " +
                          $"(load {File.ReadAllText("/proc/loadavg").Trim()})");
        (detector as IDisposable)?.Dispose();
    }
}
