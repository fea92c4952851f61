using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>
/// This machine's FP32 compute ceilings, so the nearest-neighbour kernel's rate can be judged:
/// <see cref="MeasureGflops"/> is the practical GEMM peak (best run of <see cref="Sgemm"/> on large square
/// matrices, all cores); <see cref="MeasureFmaCeilingGflops"/> is the bare FMA throughput with everything in
/// registers, an upper bound no real kernel reaches.
/// </summary>
public static class GemmPeak
{
    /// <summary>GFLOP/s (2·n³ flops per product) of the best of <paramref name="repeats"/> runs (wall clock).</summary>
    public static double MeasureGflops(int size = 2048, int repeats = 3) => Measure(size, repeats).WallGflops;

    /// <summary>
    /// Best wall rate and best rate per CPU-second × cores (what an idle machine would show; robust when other
    /// processes share the cores) of <paramref name="repeats"/> products after one warm-up.
    /// </summary>
    public static GemmRate Measure(int size = 2048, int repeats = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        var rng = new Random(1);
        var a = new float[size * size];
        var b = new float[size * size];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)rng.NextDouble() - 0.5f; b[i] = (float)rng.NextDouble() - 0.5f; }
        var c = new float[size * size];
        Sgemm.MultiplyTransposed(a, size, b, size, size, c); // warm-up (JIT tiers, page faults)
        double bestWall = double.MaxValue, bestCpu = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            process.Refresh();
            TimeSpan cpu0 = process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            Sgemm.MultiplyTransposed(a, size, b, size, size, c);
            bestWall = Math.Min(bestWall, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        double flop = 2.0 * size * size * (double)size;
        return new GemmRate(flop / bestWall / 1e9, flop / Math.Max(bestCpu, 1e-9) / 1e9 * Environment.ProcessorCount);
    }

    /// <summary>Register-only FMA throughput on all cores (GFLOP/s, one FMA = 2 flops per lane).</summary>
    public static double MeasureFmaCeilingGflops(int repeats = 3)
    {
        int threads = Environment.ProcessorCount;
        FmaLoop(1000);
        double best = double.MaxValue;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => FmaLoop(FmaIterations));
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return FmaCeilingFlops(threads) / best / 1e9;
    }

    private const long FmaIterations = 20_000_000;

    /// <summary>Flops of one <see cref="MeasureFmaCeilingGflops"/> repeat on <paramref name="threads"/> threads.</summary>
    internal static double FmaCeilingFlops(int threads) => 2.0 * 16 * (Vector512.IsHardwareAccelerated ? 16 : 8) * FmaIterations * threads;

    /// <summary>16 independent FMA chains: enough to cover latency × ports on current cores.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float FmaLoop(long iterations)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(0.999999f), add = Vector512.Create(1e-7f);
            Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
                a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, m, add); a1 = Vector512.FusedMultiplyAdd(a1, m, add);
                a2 = Vector512.FusedMultiplyAdd(a2, m, add); a3 = Vector512.FusedMultiplyAdd(a3, m, add);
                a4 = Vector512.FusedMultiplyAdd(a4, m, add); a5 = Vector512.FusedMultiplyAdd(a5, m, add);
                a6 = Vector512.FusedMultiplyAdd(a6, m, add); a7 = Vector512.FusedMultiplyAdd(a7, m, add);
                a8 = Vector512.FusedMultiplyAdd(a8, m, add); a9 = Vector512.FusedMultiplyAdd(a9, m, add);
                a10 = Vector512.FusedMultiplyAdd(a10, m, add); a11 = Vector512.FusedMultiplyAdd(a11, m, add);
                a12 = Vector512.FusedMultiplyAdd(a12, m, add); a13 = Vector512.FusedMultiplyAdd(a13, m, add);
                a14 = Vector512.FusedMultiplyAdd(a14, m, add); a15 = Vector512.FusedMultiplyAdd(a15, m, add);
            }
            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
        }
        else
        {
            Vector256<float> m = Vector256.Create(0.999999f), add = Vector256.Create(1e-7f);
            Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
                a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
            for (long i = 0; i < iterations; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, m, add); a1 = Vector256.FusedMultiplyAdd(a1, m, add);
                a2 = Vector256.FusedMultiplyAdd(a2, m, add); a3 = Vector256.FusedMultiplyAdd(a3, m, add);
                a4 = Vector256.FusedMultiplyAdd(a4, m, add); a5 = Vector256.FusedMultiplyAdd(a5, m, add);
                a6 = Vector256.FusedMultiplyAdd(a6, m, add); a7 = Vector256.FusedMultiplyAdd(a7, m, add);
                a8 = Vector256.FusedMultiplyAdd(a8, m, add); a9 = Vector256.FusedMultiplyAdd(a9, m, add);
                a10 = Vector256.FusedMultiplyAdd(a10, m, add); a11 = Vector256.FusedMultiplyAdd(a11, m, add);
                a12 = Vector256.FusedMultiplyAdd(a12, m, add); a13 = Vector256.FusedMultiplyAdd(a13, m, add);
                a14 = Vector256.FusedMultiplyAdd(a14, m, add); a15 = Vector256.FusedMultiplyAdd(a15, m, add);
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
        }
    }
}

/// <summary>A measured FP32 rate: wall clock, and per CPU-second × cores.</summary>
public readonly record struct GemmRate(double WallGflops, double CpuEquivalentGflops);
