using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Benchmarks;

/// <summary>
/// Exact AU-PRO (+ pixel AUROC/AP/F1, all limits) over a bottle-sized test set: 83 maps of 900×900 (67 M pixels),
/// 20 good and 63 defective, as PatchCore-like maps (a coarse random field upsampled bilinearly, defects as bumps).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class EvaluationBenchmarks
{
    private List<EvaluatedImage> _images = null!;

    [GlobalSetup]
    public void Setup() => _images = EvaluationBenchmarkData.BottleSized();

    [Benchmark]
    public double ExactAuProBottleSized() =>
        MetricsEvaluator.Evaluate(_images, new EvaluationOptions()).AuPro[EvaluationOptions.DefaultLimit];

    [GlobalCleanup]
    public void Cleanup() =>
        Console.WriteLine($"// peak working set of the benchmark process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
}

/// <summary>Deterministic synthetic test sets for the evaluation benchmarks.</summary>
public static class EvaluationBenchmarkData
{
    public static List<EvaluatedImage> BottleSized(int seed = 42) => Create(83, 20, 900, 900, seed);

    public static List<EvaluatedImage> Create(int count, int good, int height, int width, int seed)
    {
        var images = new EvaluatedImage[count];
        Parallel.For(0, count, i =>
        {
            var rng = new Random(seed * 7919 + i);
            var gt = new Mask(height, width);
            var map = new AnomalyMap(height, width, Field(rng, height, width, 57));
            if (i >= good)
                for (int d = 0, n = 1 + rng.Next(3); d < n; d++)
                {
                    double cy = rng.Next(height), cx = rng.Next(width), ry = 6 + rng.Next(90), rx = 6 + rng.Next(90);
                    float strength = (float)(0.3 + 1.5 * rng.NextDouble()); // some defects are subtle
                    for (int y = (int)Math.Max(0, cy - 2 * ry); y < Math.Min(height, cy + 2 * ry); y++)
                        for (int x = (int)Math.Max(0, cx - 2 * rx); x < Math.Min(width, cx + 2 * rx); x++)
                        {
                            double r2 = (y - cy) * (y - cy) / (ry * ry) + (x - cx) * (x - cx) / (rx * rx);
                            if (r2 <= 1) gt[y, x] = 255;
                            map[y, x] += strength * (float)Math.Exp(-r2); // the response bleeds past the border
                        }
                }
            images[i] = EvaluatedImage.FromMap(i < good ? "good" : "defect", i.ToString("000"), map, gt);
        });
        return [.. images];
    }

    /// <summary>A smooth random field: Gaussian noise on a coarse grid, upsampled bilinearly (like a patch-feature map).</summary>
    private static float[] Field(Random rng, int height, int width, int grid)
    {
        var coarse = new float[grid * grid];
        for (int k = 0; k < coarse.Length; k++)
            coarse[k] = 1f + 0.25f * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var data = new float[height * width];
        for (int y = 0; y < height; y++)
        {
            float gy = (y + 0.5f) * grid / height - 0.5f;
            int y0 = Math.Clamp((int)MathF.Floor(gy), 0, grid - 1), y1 = Math.Min(y0 + 1, grid - 1);
            float fy = Math.Clamp(gy - y0, 0, 1);
            for (int x = 0; x < width; x++)
            {
                float gx = (x + 0.5f) * grid / width - 0.5f;
                int x0 = Math.Clamp((int)MathF.Floor(gx), 0, grid - 1), x1 = Math.Min(x0 + 1, grid - 1);
                float fx = Math.Clamp(gx - x0, 0, 1);
                float top = coarse[y0 * grid + x0] * (1 - fx) + coarse[y0 * grid + x1] * fx;
                float bottom = coarse[y1 * grid + x0] * (1 - fx) + coarse[y1 * grid + x1] * fx;
                data[y * width + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return data;
    }
}

/// <summary>`eval-figures`: times the exact evaluation a few times without BenchmarkDotNet's statistics and prints peak memory.</summary>
public static class EvaluationFigures
{
    public static void Print(int repeats)
    {
        var sw = Stopwatch.StartNew();
        var images = EvaluationBenchmarkData.BottleSized();
        long pixels = images.Sum(i => (long)i.Map.Data.Length);
        Console.WriteLine($"data: {images.Count} maps, {pixels / 1e6:F1} M pixels, generated in {sw.Elapsed.TotalSeconds:F1} s");
        long baseline = Process.GetCurrentProcess().WorkingSet64;
        for (int r = 0; r < repeats; r++)
        {
            GC.Collect();
            var stages = new StageTimer();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            var result = MetricsEvaluator.Evaluate(images, new EvaluationOptions { ProThresholds = r == 0 ? 100 : null }, stages);
            double seconds = sw.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"run {r + 1}: {seconds:F2} s wall, {cpuSeconds:F2} s CPU  ({stages})  AU-PRO@0.3 {result.AuPro[0.3]:F6}  pixel AUROC {result.PixelAuroc:F6}  regions {result.RegionCount}" +
                              (r == 0 ? "  [+ equidistant 100]" : ""));
        }
        var p = Process.GetCurrentProcess();
        Console.WriteLine($"working set before evaluation {baseline / (1 << 20)} MiB, peak working set {p.PeakWorkingSet64 / (1 << 20)} MiB");
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Wall time of each progress stage (first report → last report).</summary>
    private sealed class StageTimer : IProgress<Inspecta.Detectors.ProgressUpdate>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(string Stage, double Start, double End)> _stages = [];

        public void Report(Inspecta.Detectors.ProgressUpdate value)
        {
            lock (_stages)
            {
                double now = _clock.Elapsed.TotalSeconds;
                int i = _stages.FindIndex(s => s.Stage == value.Stage);
                if (i < 0) _stages.Add((value.Stage, now, now));
                else _stages[i] = (value.Stage, _stages[i].Start, now);
            }
        }

        public override string ToString() => string.Join(", ", _stages.Select(s => $"{s.Stage} ≤{s.End:F2}s"));
    }
}
