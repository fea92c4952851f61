using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Inspecta.Search;

/// <summary>
/// Integer counterpart of <see cref="MicroKernel"/> for the nearest-neighbour candidate pass: one
/// <see cref="Mr"/>×<see cref="Nr"/> tile of exact int32 dot products of 16-bit fixed-point rows,
/// two dimensions per step with <c>vpmaddwd</c> (<see cref="Avx2.MultiplyAddAdjacent(Vector256{short}, Vector256{short})"/>).
/// </summary>
/// <remarks>
/// <para>Layouts (pair-major): an A micro-panel holds, per dimension pair p, Mr int32 words each packing the two
/// int16 values (a[2p], a[2p+1]) of one row; a B sliver holds per pair Nr such words. Each step broadcasts one
/// word per A row and multiplies it against Nr/8 vectors of B, so every lane gets a[2p]·b[2p] + a[2p+1]·b[2p+1].</para>
/// <para>Why 256-bit: on the Zen 4 cores this was tuned on, 512-bit <c>vpmaddwd</c> issues at half the rate of
/// 512-bit FMA (no multiply-add gain at all), while 256-bit <c>vpmaddwd</c> + <c>vpaddd</c> delivered ≈ 1.4× the
/// multiply-adds per cycle of 512-bit FP32 FMA (measured, docs/benchmarks.md). AVX-VNNI (fused add) is not
/// available there. The caller bounds |values| so no int32 sum can overflow (see <see cref="Levels"/>).</para>
/// </remarks>
internal static unsafe class Int16MicroKernel
{
    /// <summary>Whether the integer kernel can run (AVX2 integer multiply-add).</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Rows of A per tile (broadcast operands).</summary>
    public const int Mr = 6;

    /// <summary>Rows of B per tile: four 8-lane vectors.</summary>
    public const int Nr = 32;

    /// <summary>
    /// The largest magnitude L of a quantised value for rows of <paramref name="paddedDim"/> values such that any
    /// partial sum of products stays inside int32: paddedDim·L² &lt; 2³¹ (and L ≤ 32 767, so a pair never overflows).
    /// </summary>
    public static int Levels(int paddedDim) => (int)Math.Min(32767, Math.Floor(Math.Sqrt((double)int.MaxValue / paddedDim)));

    /// <summary>tile[i*Nr + j] = Σ_p a-pair(p, i) · b-pair(p, j) over <paramref name="pairs"/> dimension pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int* a, int* b, int pairs, int* tile)
    {
        // 6 x 32: 24 accumulators + 4 B vectors + 1 broadcast (+ product temporaries) in 32 EVEX/16+ ymm registers.
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default,
            c10 = default, c11 = default, c12 = default, c13 = default,
            c20 = default, c21 = default, c22 = default, c23 = default,
            c30 = default, c31 = default, c32 = default, c33 = default,
            c40 = default, c41 = default, c42 = default, c43 = default,
            c50 = default, c51 = default, c52 = default, c53 = default;
        for (int p = 0; p < pairs; p++)
        {
            Vector256<short> b0 = Vector256.Load(b).AsInt16(), b1 = Vector256.Load(b + 8).AsInt16(),
                b2 = Vector256.Load(b + 16).AsInt16(), b3 = Vector256.Load(b + 24).AsInt16();
            Vector256<short> x;
            x = Vector256.Create(a[0]).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(x, b0); c01 += Avx2.MultiplyAddAdjacent(x, b1); c02 += Avx2.MultiplyAddAdjacent(x, b2); c03 += Avx2.MultiplyAddAdjacent(x, b3);
            x = Vector256.Create(a[1]).AsInt16();
            c10 += Avx2.MultiplyAddAdjacent(x, b0); c11 += Avx2.MultiplyAddAdjacent(x, b1); c12 += Avx2.MultiplyAddAdjacent(x, b2); c13 += Avx2.MultiplyAddAdjacent(x, b3);
            x = Vector256.Create(a[2]).AsInt16();
            c20 += Avx2.MultiplyAddAdjacent(x, b0); c21 += Avx2.MultiplyAddAdjacent(x, b1); c22 += Avx2.MultiplyAddAdjacent(x, b2); c23 += Avx2.MultiplyAddAdjacent(x, b3);
            x = Vector256.Create(a[3]).AsInt16();
            c30 += Avx2.MultiplyAddAdjacent(x, b0); c31 += Avx2.MultiplyAddAdjacent(x, b1); c32 += Avx2.MultiplyAddAdjacent(x, b2); c33 += Avx2.MultiplyAddAdjacent(x, b3);
            x = Vector256.Create(a[4]).AsInt16();
            c40 += Avx2.MultiplyAddAdjacent(x, b0); c41 += Avx2.MultiplyAddAdjacent(x, b1); c42 += Avx2.MultiplyAddAdjacent(x, b2); c43 += Avx2.MultiplyAddAdjacent(x, b3);
            x = Vector256.Create(a[5]).AsInt16();
            c50 += Avx2.MultiplyAddAdjacent(x, b0); c51 += Avx2.MultiplyAddAdjacent(x, b1); c52 += Avx2.MultiplyAddAdjacent(x, b2); c53 += Avx2.MultiplyAddAdjacent(x, b3);
            a += Mr;
            b += Nr;
        }
        c00.Store(tile + 0); c01.Store(tile + 8); c02.Store(tile + 16); c03.Store(tile + 24);
        c10.Store(tile + 32); c11.Store(tile + 40); c12.Store(tile + 48); c13.Store(tile + 56);
        c20.Store(tile + 64); c21.Store(tile + 72); c22.Store(tile + 80); c23.Store(tile + 88);
        c30.Store(tile + 96); c31.Store(tile + 104); c32.Store(tile + 112); c33.Store(tile + 120);
        c40.Store(tile + 128); c41.Store(tile + 136); c42.Store(tile + 144); c43.Store(tile + 152);
        c50.Store(tile + 160); c51.Store(tile + 168); c52.Store(tile + 176); c53.Store(tile + 184);
    }

    /// <summary>Scalar reference of <see cref="Run"/> (same layouts), for tests.</summary>
    public static void RunScalar(int* a, int* b, int pairs, int* tile)
    {
        new Span<int>(tile, Mr * Nr).Clear();
        for (int p = 0; p < pairs; p++, a += Mr, b += Nr)
            for (int i = 0; i < Mr; i++)
                for (int j = 0; j < Nr; j++)
                {
                    short* x = (short*)(a + i), y = (short*)(b + j);
                    tile[i * Nr + j] += x[0] * y[0] + x[1] * y[1];
                }
    }
}
