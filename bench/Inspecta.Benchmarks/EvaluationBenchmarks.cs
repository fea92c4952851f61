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

/// <summary>
/// Writes synthetic float32 TIFF maps for the real MVTec AD bottle test set in the official layout
/// (<c>&lt;out&gt;/bottle/test/&lt;defect&gt;/&lt;id&gt;.tiff</c>), responding to the real ground-truth masks, so
/// <c>inspecta eval</c> can be timed end to end (reading included).
/// </summary>
public static class BottleMapWriter
{
    public static void Write(string bottleDir, string outDir, int seed = 42)
    {
        var tests = Directory.GetDirectories(Path.Combine(bottleDir, "test")).SelectMany(d => Directory.GetFiles(d, "*.png")).Order(StringComparer.Ordinal).ToList();
        Parallel.For(0, tests.Count, i =>
        {
            string label = Path.GetFileName(Path.GetDirectoryName(tests[i])!), id = Path.GetFileNameWithoutExtension(tests[i]);
            string maskPath = Path.Combine(bottleDir, "ground_truth", label, id + "_mask.png");
            var rng = new Random(seed * 7919 + i);
            var map = EvaluationBenchmarkData.Create(1, 1, 900, 900, seed + i)[0].Map;
            if (File.Exists(maskPath))
            {
                var gt = ImageIO.Read(maskPath);
                float strength = (float)(0.3 + 1.5 * rng.NextDouble());
                for (int p = 0; p < map.Data.Length; p++) if (gt.Data[p] > 0) map.Data[p] += strength;
            }
            WriteTiff(Path.Combine(outDir, "bottle", "test", label, id + ".tiff"), map);
        });
        Console.WriteLine($"wrote {tests.Count} maps under {Path.Combine(outDir, "bottle", "test")}");
    }

    private static void WriteTiff(string path, AnomalyMap map)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var tif = BitMiracle.LibTiff.Classic.Tiff.Open(path, "w") ?? throw new IOException($"cannot create {path}");
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.IMAGEWIDTH, map.Width);
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.IMAGELENGTH, map.Height);
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.BITSPERSAMPLE, 32);
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.SAMPLEFORMAT, BitMiracle.LibTiff.Classic.SampleFormat.IEEEFP);
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.PHOTOMETRIC, BitMiracle.LibTiff.Classic.Photometric.MINISBLACK);
        tif.SetField(BitMiracle.LibTiff.Classic.TiffTag.ROWSPERSTRIP, 64);
        var row = new byte[map.Width * 4];
        for (int y = 0; y < map.Height; y++)
        {
            Buffer.BlockCopy(map.Data, y * map.Width * 4, row, 0, row.Length);
            tif.WriteScanline(row, y);
        }
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
        var goodMaps = images.Take(20).Select(i => i.Map).ToList();
        sw.Restart();
        double maxArea = ThresholdCalibration.MaxArea(goodMaps, ThresholdCalibration.DefaultMinDefectArea(900, 900));
        double maxAreaSeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();
        double quantile = ThresholdCalibration.Quantile(goodMaps);
        Console.WriteLine($"calibration on 20 good 900×900 maps: max-area {maxAreaSeconds:F2} s (t = {maxArea:F5}), 0.99-quantile {sw.Elapsed.TotalSeconds:F2} s (t = {quantile:F5})");
        var p = Process.GetCurrentProcess();
        Console.WriteLine($"working set before evaluation {baseline / (1 << 20)} MiB, peak working set {p.PeakWorkingSet64 / (1 << 20)} MiB");
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Wall time of each progress stage (first report → last report).</summary>
    private sealed class StageTimer : IProgress<ProgressUpdate>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(string Stage, double Start, double End)> _stages = [];

        public void Report(ProgressUpdate value)
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
