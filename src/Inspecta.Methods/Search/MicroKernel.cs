using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>
/// The register-blocked inner kernel shared by the nearest-neighbour search, the coreset projection and
/// <see cref="GemmPeak"/>: it computes one <see cref="Mr"/>×<see cref="Nr"/> tile of dot products
/// A·Bᵀ over a reduction of length k from packed panels.
/// </summary>
/// <remarks>
/// Layouts (both k-major so every step of the reduction reads contiguous memory):
/// an A micro-panel holds <c>a[k*Mr + i]</c> (row i of A), a B sliver holds <c>b[k*Nr + j]</c> (row j of B).
/// Each reduction step broadcasts Mr values of A and loads Nr values of B, then issues Mr·Nr/lanes FMAs
/// into accumulators that never leave registers.
/// </remarks>
internal static unsafe class MicroKernel
{
    /// <summary>Which instruction set the kernel runs on this machine.</summary>
    public enum Isa { Avx512, Avx2, Portable }

    public static readonly Isa Selected =
        Vector512.IsHardwareAccelerated ? Isa.Avx512 :
        Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? Isa.Avx2 : Isa.Portable;

    /// <summary>Rows of A per tile (broadcast operands).</summary>
    public static readonly int Mr = Selected switch { Isa.Avx512 => 14, Isa.Avx2 => 6, _ => 4 };

    /// <summary>Rows of B per tile (vector operands).</summary>
    public static readonly int Nr = Selected switch { Isa.Avx512 => 32, Isa.Avx2 => 16, _ => 16 };

    public static string Description => Selected switch
    {
        Isa.Avx512 => $"AVX-512 FMA, {Mr}x{Nr} register tile",
        Isa.Avx2 => $"AVX2 FMA, {Mr}x{Nr} register tile",
        _ => $"portable scalar, {Mr}x{Nr} tile",
    };

    /// <summary>
    /// tile[i*Nr + j] = Σ_k a[k*Mr+i]·b[k*Nr+j] (or += when <paramref name="accumulate"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* a, float* b, int k, float* tile, bool accumulate)
    {
        switch (Selected)
        {
            case Isa.Avx512: Run512(a, b, k, tile, accumulate); break;
            case Isa.Avx2: Run256(a, b, k, tile, accumulate); break;
            default: RunPortable(a, b, k, tile, accumulate); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run512(float* a, float* b, int k, float* tile, bool accumulate)
    {
        // 14 x 32: 28 accumulators + 2 B vectors + 1 broadcast = 31 of 32 zmm registers.
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default, c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default, cc0 = default, cc1 = default, cd0 = default, cd1 = default;
        for (int p = 0; p < k; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]); ca0 = Vector512.FusedMultiplyAdd(x, b0, ca0); ca1 = Vector512.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(a[11]); cb0 = Vector512.FusedMultiplyAdd(x, b0, cb0); cb1 = Vector512.FusedMultiplyAdd(x, b1, cb1);
            x = Vector512.Create(a[12]); cc0 = Vector512.FusedMultiplyAdd(x, b0, cc0); cc1 = Vector512.FusedMultiplyAdd(x, b1, cc1);
            x = Vector512.Create(a[13]); cd0 = Vector512.FusedMultiplyAdd(x, b0, cd0); cd1 = Vector512.FusedMultiplyAdd(x, b1, cd1);
            a += 14;
            b += 32;
        }
        if (accumulate)
        {
            c00 += Vector512.Load(tile + 0 * 32); c01 += Vector512.Load(tile + 0 * 32 + 16);
            c10 += Vector512.Load(tile + 1 * 32); c11 += Vector512.Load(tile + 1 * 32 + 16);
            c20 += Vector512.Load(tile + 2 * 32); c21 += Vector512.Load(tile + 2 * 32 + 16);
            c30 += Vector512.Load(tile + 3 * 32); c31 += Vector512.Load(tile + 3 * 32 + 16);
            c40 += Vector512.Load(tile + 4 * 32); c41 += Vector512.Load(tile + 4 * 32 + 16);
            c50 += Vector512.Load(tile + 5 * 32); c51 += Vector512.Load(tile + 5 * 32 + 16);
            c60 += Vector512.Load(tile + 6 * 32); c61 += Vector512.Load(tile + 6 * 32 + 16);
            c70 += Vector512.Load(tile + 7 * 32); c71 += Vector512.Load(tile + 7 * 32 + 16);
            c80 += Vector512.Load(tile + 8 * 32); c81 += Vector512.Load(tile + 8 * 32 + 16);
            c90 += Vector512.Load(tile + 9 * 32); c91 += Vector512.Load(tile + 9 * 32 + 16);
            ca0 += Vector512.Load(tile + 10 * 32); ca1 += Vector512.Load(tile + 10 * 32 + 16);
            cb0 += Vector512.Load(tile + 11 * 32); cb1 += Vector512.Load(tile + 11 * 32 + 16);
            cc0 += Vector512.Load(tile + 12 * 32); cc1 += Vector512.Load(tile + 12 * 32 + 16);
            cd0 += Vector512.Load(tile + 13 * 32); cd1 += Vector512.Load(tile + 13 * 32 + 16);
        }
        c00.Store(tile + 0 * 32); c01.Store(tile + 0 * 32 + 16);
        c10.Store(tile + 1 * 32); c11.Store(tile + 1 * 32 + 16);
        c20.Store(tile + 2 * 32); c21.Store(tile + 2 * 32 + 16);
        c30.Store(tile + 3 * 32); c31.Store(tile + 3 * 32 + 16);
        c40.Store(tile + 4 * 32); c41.Store(tile + 4 * 32 + 16);
        c50.Store(tile + 5 * 32); c51.Store(tile + 5 * 32 + 16);
        c60.Store(tile + 6 * 32); c61.Store(tile + 6 * 32 + 16);
        c70.Store(tile + 7 * 32); c71.Store(tile + 7 * 32 + 16);
        c80.Store(tile + 8 * 32); c81.Store(tile + 8 * 32 + 16);
        c90.Store(tile + 9 * 32); c91.Store(tile + 9 * 32 + 16);
        ca0.Store(tile + 10 * 32); ca1.Store(tile + 10 * 32 + 16);
        cb0.Store(tile + 11 * 32); cb1.Store(tile + 11 * 32 + 16);
        cc0.Store(tile + 12 * 32); cc1.Store(tile + 12 * 32 + 16);
        cd0.Store(tile + 13 * 32); cd1.Store(tile + 13 * 32 + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run256(float* a, float* b, int k, float* tile, bool accumulate)
    {
        // 6 x 16: 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 ymm registers.
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < k; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> x;
            x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += 6;
            b += 16;
        }
        if (accumulate)
        {
            c00 += Vector256.Load(tile + 0 * 16); c01 += Vector256.Load(tile + 0 * 16 + 8);
            c10 += Vector256.Load(tile + 1 * 16); c11 += Vector256.Load(tile + 1 * 16 + 8);
            c20 += Vector256.Load(tile + 2 * 16); c21 += Vector256.Load(tile + 2 * 16 + 8);
            c30 += Vector256.Load(tile + 3 * 16); c31 += Vector256.Load(tile + 3 * 16 + 8);
            c40 += Vector256.Load(tile + 4 * 16); c41 += Vector256.Load(tile + 4 * 16 + 8);
            c50 += Vector256.Load(tile + 5 * 16); c51 += Vector256.Load(tile + 5 * 16 + 8);
        }
        c00.Store(tile + 0 * 16); c01.Store(tile + 0 * 16 + 8);
        c10.Store(tile + 1 * 16); c11.Store(tile + 1 * 16 + 8);
        c20.Store(tile + 2 * 16); c21.Store(tile + 2 * 16 + 8);
        c30.Store(tile + 3 * 16); c31.Store(tile + 3 * 16 + 8);
        c40.Store(tile + 4 * 16); c41.Store(tile + 4 * 16 + 8);
        c50.Store(tile + 5 * 16); c51.Store(tile + 5 * 16 + 8);
    }

    private static void RunPortable(float* a, float* b, int k, float* tile, bool accumulate)
    {
        int mr = Mr, nr = Nr;
        if (!accumulate) new Span<float>(tile, mr * nr).Clear();
        for (int p = 0; p < k; p++)
        {
            for (int i = 0; i < mr; i++)
            {
                float x = a[i];
                float* row = tile + i * nr;
                for (int j = 0; j < nr; j++) row[j] = MathF.FusedMultiplyAdd(x, b[j], row[j]);
            }
            a += mr;
            b += nr;
        }
    }

    /// <summary>Packs rows [row0, row0+Nr) of a row-major rows×dim matrix into a k-major sliver (zero padded).</summary>
    public static void PackB(ReadOnlySpan<float> src, int rows, int dim, int row0, int k0, int kc, Span<float> dst)
    {
        int nr = Nr;
        int valid = Math.Min(nr, rows - row0);
        if (valid < nr) dst[..(kc * nr)].Clear();
        for (int j = 0; j < valid; j++)
        {
            ReadOnlySpan<float> row = src.Slice((row0 + j) * dim + k0, kc);
            for (int p = 0; p < kc; p++) dst[p * nr + j] = row[p];
        }
    }

    /// <summary>Packs rows [row0, row0+Mr) of a row-major rows×dim matrix into a k-major micro-panel (zero padded).</summary>
    public static void PackA(ReadOnlySpan<float> src, int rows, int dim, int row0, int k0, int kc, Span<float> dst)
    {
        int mr = Mr;
        int valid = Math.Min(mr, rows - row0);
        if (valid < mr) dst[..(kc * mr)].Clear();
        for (int i = 0; i < valid; i++)
        {
            ReadOnlySpan<float> row = src.Slice((row0 + i) * dim + k0, kc);
            for (int p = 0; p < kc; p++) dst[p * mr + i] = row[p];
        }
    }
}
