using System.Diagnostics;

namespace Inspecta.Search;

/// <summary>One measured nearest-neighbour shape.</summary>
/// <param name="Name">What the shape stands for, e.g. "PatchCore 10% (784 × 16400 × 1024)".</param>
/// <param name="Milliseconds">Best wall time of one full <see cref="ExactNearestNeighbours.Search"/> call.</param>
/// <param name="Gflops">2·queries·bank·dim / wall time: the rate of the distance GEMM.</param>
/// <param name="CpuGflops">The same work per CPU-second of the process × cores: what the wall rate would be on an
/// otherwise idle machine (robust when other processes share the cores).</param>
public sealed record KnnMeasurement(string Name, int Queries, int Bank, int Dim, int K, double Milliseconds, double Gflops,
    double PercentOfPeak, double CpuGflops);

/// <summary>One measured coreset selection (wall and process CPU seconds).</summary>
public sealed record CoresetMeasurement(int Count, int Dim, int Target, double Seconds, double CpuSeconds);

/// <summary>Figures of <see cref="SearchBenchmark.Run"/>.</summary>
/// <param name="GemmPeakGflops">Best wall rate of <see cref="Sgemm"/> on square matrices (all cores).</param>
/// <param name="GemmPeakCpuGflops">The same per CPU-second × cores.</param>
/// <param name="FmaCeilingGflops">Register-only FMA throughput per CPU-second × cores: the hardware bound.</param>
public sealed record SearchBenchmarkResult(string Kernel, int Cores, double GemmPeakGflops, double GemmPeakCpuGflops,
    double FmaCeilingGflops, IReadOnlyList<KnnMeasurement> Knn, IReadOnlyList<CoresetMeasurement> Coreset,
    string LoadAverageBefore, string LoadAverageAfter);

/// <summary>
/// Library entry point for the search figures (used by <c>inspecta bench</c> and docs/benchmarks.md):
/// GEMM peak, kNN kernel rate on PatchCore/SPADE-like shapes, coreset time against bank size.
/// Inputs are synthetic with a fixed seed; the bank rows are spread like real patch features (positive, non-trivial norms).
/// </summary>
public static class SearchBenchmark
{
    /// <summary>The default shapes: PatchCore 10% and 1% coreset banks of bottle, and a SPADE-like pixel search.</summary>
    public static IReadOnlyList<(string Name, int Queries, int Bank, int Dim, int K)> DefaultShapes { get; } =
    [
        ("PatchCore 10% coreset", 784, 16_400, 1024, 3),
        ("PatchCore 1% coreset", 784, 1_640, 1024, 3),
        ("SPADE pixel kNN (K=50 images, 28x28)", 784, 50 * 784, 448, 1),
    ];

    /// <summary>Coreset sizes (rows × 1024 dims, 10% selected).</summary>
    public static IReadOnlyList<int> DefaultCoresetSizes { get; } = [16_384, 41_000, 82_000, 164_000];

    public static SearchBenchmarkResult Run(bool quick = false, int repeats = 5, Action<string>? log = null)
    {
        string loadBefore = LoadAverage();
        double ceilingWall = 0, ceiling = 0;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            (double _, double cpu) = CpuTimed(() => ceilingWall = Math.Max(ceilingWall, GemmPeak.MeasureFmaCeilingGflops(repeats: 1)));
            ceiling = Math.Max(ceiling, GemmPeak.FmaCeilingFlops(Environment.ProcessorCount) / cpu / 1e9 * Environment.ProcessorCount);
        }
        log?.Invoke($"FMA ceiling {ceilingWall:F1} GFLOP/s wall, {ceiling:F1} CPU-equivalent on {Environment.ProcessorCount} cores");
        int size = quick ? 768 : 2048;
        GemmRate gemm = GemmPeak.Measure(size, repeats);
        double peak = gemm.WallGflops, peakCpu = gemm.CpuEquivalentGflops;
        log?.Invoke($"GEMM peak {peak:F1} GFLOP/s wall, {peakCpu:F1} CPU-equivalent ({MicroKernel.Description}, {size}^3)");
        var knn = new List<KnnMeasurement>();
        foreach (var s in DefaultShapes)
        {
            int bank = quick ? Math.Max(s.K, s.Bank / 8) : s.Bank;
            KnnMeasurement m = MeasureKnn(s.Name, s.Queries, bank, s.Dim, s.K, repeats, peak);
            log?.Invoke($"{m.Name}: {m.Queries}x{m.Bank}x{m.Dim} k={m.K}: {m.Milliseconds:F1} ms, {m.Gflops:F1} GFLOP/s = {m.PercentOfPeak:F0}% of peak; " +
                $"CPU-equivalent {m.CpuGflops:F1} GFLOP/s = {100 * m.CpuGflops / peakCpu:F0}% of GEMM, {100 * m.CpuGflops / ceiling:F0}% of FMA ceiling");
            knn.Add(m);
        }
        var coreset = new List<CoresetMeasurement>();
        foreach (int n in quick ? [8_000] : DefaultCoresetSizes)
        {
            CoresetMeasurement c = MeasureCoreset(n, 1024, n / 10);
            log?.Invoke($"coreset {c.Count}x{c.Dim} -> {c.Target}: {c.Seconds:F2} s wall, {c.CpuSeconds:F2} CPU-s");
            coreset.Add(c);
        }
        return new SearchBenchmarkResult(MicroKernel.Description, Environment.ProcessorCount, peak, peakCpu, ceiling, knn, coreset,
            loadBefore, LoadAverage());
    }

    private static (double Wall, double Cpu) CpuTimed(Action action)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }

    public static KnnMeasurement MeasureKnn(string name, int queries, int bank, int dim, int k, int repeats, double peakGflops)
    {
        var rng = new Random(42);
        float[] b = SyntheticFeatures(rng, bank, dim);
        float[] q = SyntheticFeatures(rng, queries, dim);
        var index = new ExactNearestNeighbours(b, bank, dim);
        var d = new float[queries * k];
        var idx = new int[queries * k];
        index.Search(q, queries, k, d, idx); // warm-up
        double best = double.MaxValue, bestCpu = double.MaxValue;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            (double wall, double cpu) = CpuTimed(() => index.Search(q, queries, k, d, idx));
            best = Math.Min(best, wall);
            bestCpu = Math.Min(bestCpu, cpu);
        }
        double flop = 2.0 * queries * (double)bank * dim;
        double gflops = flop / best / 1e9;
        return new KnnMeasurement(name, queries, bank, dim, k, best * 1e3, gflops, 100 * gflops / peakGflops,
            flop / bestCpu / 1e9 * Environment.ProcessorCount);
    }

    public static CoresetMeasurement MeasureCoreset(int count, int dim, int target)
    {
        float[] f = SyntheticFeatures(new Random(7), count, dim);
        (double wall, double cpu) = CpuTimed(() => GreedyCoreset.Select(f, count, dim, target, seed: 0));
        return new CoresetMeasurement(count, dim, target, wall, cpu);
    }

    /// <summary>
    /// Rows near a low-dimensional manifold (32 latent factors, ReLU, noise), like CNN patch features:
    /// non-negative, correlated, with structure the coreset pruning can exploit as on real data.
    /// </summary>
    public static float[] SyntheticFeatures(Random rng, int rows, int dim)
    {
        const int latent = 32;
        var mix = new float[latent * dim];
        for (int i = 0; i < mix.Length; i++) mix[i] = (float)(rng.NextDouble() * 2 - 1);
        var f = new float[(long)rows * dim];
        Span<float> z = stackalloc float[latent];
        for (int r = 0; r < rows; r++)
        {
            for (int l = 0; l < latent; l++) z[l] = (float)(rng.NextDouble() * 2 - 1);
            Span<float> row = f.AsSpan(r * dim, dim);
            for (int l = 0; l < latent; l++)
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(mix.AsSpan(l * dim, dim), z[l], row, row);
            for (int j = 0; j < dim; j++) row[j] = MathF.Max(0, row[j] * 0.25f) + 0.05f * (float)rng.NextDouble();
        }
        return f;
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }
}
