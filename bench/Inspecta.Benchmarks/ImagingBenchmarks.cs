using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Inspecta.Imaging;

namespace Inspecta.Benchmarks;

/// <summary>
/// Image I/O and preprocessing hot paths at MVTec sizes: PNG decode/encode of a 900×900 RGB image,
/// antialiased resize 900→256, centre crop + ImageNet normalisation, Gaussian blur σ = 4 of anomaly maps.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class ImagingBenchmarks
{
    private string _png = null!;
    private ImageF _image = null!;
    private AnomalyMap _map224 = null!, _map900 = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_png, _image) = ImagingBenchmarkData.Bottle900();
        _map224 = ImagingBenchmarkData.Map(224);
        _map900 = ImagingBenchmarkData.Map(900);
    }

    [Benchmark] public ImageF DecodePng900Rgb() => ImageIO.Read(_png);
    [Benchmark] public void EncodePng900Rgb() => ImageIO.WritePng(Path.Combine(Path.GetTempPath(), "inspecta-bench-encode.png"), _image);
    [Benchmark] public ImageF ResizeAntialias900To256() => Resize.Bilinear(_image, 256, 256);
    [Benchmark] public ImageF CropNormalize224() => Normalization.ImageNet(Crop.Center(Resize.Bilinear(_image, 256, 256), 224, 224));
    [Benchmark] public AnomalyMap Blur224Sigma4() => GaussianBlur.Apply(_map224, 4f);
    [Benchmark] public AnomalyMap Blur900Sigma4() => GaussianBlur.Apply(_map900, 4f);
    [Benchmark] public AnomalyMap UpsampleMap224To900() => Resize.Bilinear(_map224, 900, 900);
}

public static class ImagingBenchmarkData
{
    /// <summary>The real bottle test image when ../shared is available (INSPECTA_SHARED), else a synthetic 900×900 RGB PNG.</summary>
    public static (string Path, ImageF Image) Bottle900()
    {
        string? shared = Environment.GetEnvironmentVariable("INSPECTA_SHARED");
        string real = shared is null ? "" : Path.Combine(shared, "data", "mvtec_ad", "bottle", "test", "broken_large", "000.png");
        if (File.Exists(real)) return (real, ImageIO.Read(real));
        var img = new ImageF(3, 900, 900);
        var rng = new Random(1);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 900; y++)
                for (int x = 0; x < 900; x++)
                    img[c, y, x] = Math.Clamp(0.5f + 0.3f * MathF.Sin((x + 40 * c) / 60f) * MathF.Cos(y / 45f) + (float)rng.NextDouble() * 0.05f, 0f, 1f);
        string path = Path.Combine(Path.GetTempPath(), "inspecta-bench-900.png");
        ImageIO.WritePng(path, img);
        return (path, ImageIO.Read(path));
    }

    public static AnomalyMap Map(int size)
    {
        var rng = new Random(size);
        var map = new AnomalyMap(size, size);
        for (int i = 0; i < map.Data.Length; i++) map.Data[i] = (float)rng.NextDouble();
        return map;
    }
}

/// <summary>`imaging-figures [repeats]`: wall and process CPU time per operation, median over repeats, without BenchmarkDotNet.</summary>
public static class ImagingFigures
{
    public static void Print(int repeats)
    {
        var (png, image) = ImagingBenchmarkData.Bottle900();
        var map224 = ImagingBenchmarkData.Map(224);
        var map900 = ImagingBenchmarkData.Map(900);
        string tmp = Path.Combine(Path.GetTempPath(), "inspecta-bench-encode.png");
        var ops = new (string Name, Action Run)[]
        {
            ($"decode PNG 900×900 RGB ({Path.GetFileName(png)})", () => ImageIO.Read(png)),
            ("encode PNG 900×900 RGB", () => ImageIO.WritePng(tmp, image)),
            ("resize 900→256 antialiased (3 ch)", () => Resize.Bilinear(image, 256, 256)),
            ("resize 256 + crop 224 + ImageNet normalise", () => Normalization.ImageNet(Crop.Center(Resize.Bilinear(image, 256, 256), 224, 224))),
            ("Gaussian blur σ=4, 224×224", () => GaussianBlur.Apply(map224, 4f)),
            ("Gaussian blur σ=4, 900×900", () => GaussianBlur.Apply(map900, 4f)),
            ("bilinear map upsample 224→900", () => Resize.Bilinear(map224, 900, 900)),
        };
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"operation",-48} {"wall ms (median)",17} {"CPU ms (median)",16}");
        var proc = Process.GetCurrentProcess();
        foreach (var (name, run) in ops)
        {
            run(); run(); // JIT + tiering warm-up
            var walls = new List<double>(); var cpus = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                proc.Refresh();
                var cpu0 = proc.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                run();
                sw.Stop();
                proc.Refresh();
                walls.Add(sw.Elapsed.TotalMilliseconds);
                cpus.Add((proc.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
            Console.WriteLine($"{name,-48} {Median(walls),17:F2} {Median(cpus),16:F2}");
        }
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
}
