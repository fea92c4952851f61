using System.Diagnostics;

namespace Inspecta.Search;

/// <summary>
/// This machine's practical FP32 GEMM rate: the best of a few runs of <see cref="Sgemm"/> on large square
/// matrices, all cores. The nearest-neighbour kernel's GFLOP/s is reported as a fraction of it.
/// </summary>
public static class GemmPeak
{
    /// <summary>GFLOP/s (2·n³ flops per product) of the best of <paramref name="repeats"/> runs.</summary>
    public static double MeasureGflops(int size = 1536, int repeats = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        var rng = new Random(1);
        var a = new float[size * size];
        var b = new float[size * size];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)rng.NextDouble() - 0.5f; b[i] = (float)rng.NextDouble() - 0.5f; }
        var c = new float[size * size];
        Sgemm.MultiplyTransposed(a, size, b, size, size, c); // warm-up (JIT tiers, page faults)
        double best = double.MaxValue;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Sgemm.MultiplyTransposed(a, size, b, size, size, c);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return 2.0 * size * size * (double)size / best / 1e9;
    }
}
