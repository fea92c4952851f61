using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>
/// Blocked single-precision matrix product C = A·Bᵀ (A: m×k, B: n×k, C: m×n, all row-major) on the shared
/// <see cref="MicroKernel"/>, multithreaded over row blocks of A. Used for random projections and to
/// measure the machine's GEMM peak.
/// </summary>
public static unsafe class Sgemm
{
    /// <summary>Reduction block: one B sliver (kc × Nr floats) stays in L1 while A panels stream past it.</summary>
    private const int Kc = 1024;

    /// <summary>Row block of A per task (micro-panels of Mr rows).</summary>
    private const int PanelsPerBlock = 8;

    /// <summary>C = A·Bᵀ.</summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, int m, ReadOnlySpan<float> b, int n, int k, Span<float> c)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (a.Length < (long)m * k || b.Length < (long)n * k || c.Length < (long)m * n) throw new ArgumentException("matrix spans are too short");
        if (m == 0 || n == 0) return;

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            Multiply((nint)pa, m, (nint)pb, n, k, (nint)pc);
    }

    /// <summary>Pointers travel as nint into the parallel bodies; the caller keeps them pinned.</summary>
    private static void Multiply(nint aPtr, int m, nint bPtr, int n, int k, nint cPtr)
    {
        int mr = MicroKernel.Mr, nr = MicroKernel.Nr;
        int slivers = (n + nr - 1) / nr, kBlocks = (k + Kc - 1) / Kc;
        // B packed once: [kBlock][sliver][kc × Nr].
        var packedB = new float[(long)slivers * nr * k];
        Parallel.For(0, slivers * kBlocks, ExactNearestNeighbours.ParallelOptions, t =>
        {
            int kb = t / slivers, s = t % slivers;
            int k0 = kb * Kc, kc = Math.Min(Kc, k - k0);
            long offset = (long)k0 * slivers * nr + (long)s * kc * nr;
            MicroKernel.PackB(new ReadOnlySpan<float>((float*)bPtr, n * k), n, k, s * nr, k0, kc, packedB.AsSpan((int)offset, kc * nr));
        });

        int panels = (m + mr - 1) / mr, blocks = (panels + PanelsPerBlock - 1) / PanelsPerBlock;
        Parallel.For(0, blocks, ExactNearestNeighbours.ParallelOptions, block =>
        {
            int p0 = block * PanelsPerBlock, p1 = Math.Min(panels, p0 + PanelsPerBlock);
            var packedA = new float[(p1 - p0) * mr * Kc];
            float* tile = stackalloc float[mr * nr];
            float* pc = (float*)cPtr;
            fixed (float* pa = packedA)
            fixed (float* pb = packedB)
            {
                for (int kb = 0; kb < kBlocks; kb++)
                {
                    int k0 = kb * Kc, kc = Math.Min(Kc, k - k0);
                    for (int p = p0; p < p1; p++)
                        MicroKernel.PackA(new ReadOnlySpan<float>((float*)aPtr, m * k), m, k, p * mr, k0, kc, packedA.AsSpan((p - p0) * mr * kc, mr * kc));
                    float* bBlock = pb + (long)k0 * slivers * nr;
                    for (int s = 0; s < slivers; s++)
                    {
                        float* sliver = bBlock + (long)s * kc * nr;
                        int cols = Math.Min(nr, n - s * nr);
                        for (int p = p0; p < p1; p++)
                        {
                            MicroKernel.Run(pa + (p - p0) * mr * kc, sliver, kc, tile, accumulate: false);
                            int rows = Math.Min(mr, m - p * mr);
                            for (int i = 0; i < rows; i++)
                            {
                                float* dst = pc + (long)(p * mr + i) * n + s * nr;
                                float* src = tile + i * nr;
                                int j = 0;
                                if (kb == 0)
                                {
                                    for (; j + 8 <= cols; j += 8) Vector256.Store(Vector256.Load(src + j), dst + j);
                                    for (; j < cols; j++) dst[j] = src[j];
                                }
                                else
                                {
                                    for (; j + 8 <= cols; j += 8) Vector256.Store(Vector256.Load(dst + j) + Vector256.Load(src + j), dst + j);
                                    for (; j < cols; j++) dst[j] += src[j];
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
