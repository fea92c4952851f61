using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>
/// The reference squared Euclidean distance that every search result is defined by: Σ (a_i − b_i)² with
/// each difference and square taken in double precision and a fixed summation order (eight interleaved
/// partial sums, then a fixed pairwise reduction), so the value is the same on every instruction set and
/// within a few double ulps of the real number.
/// </summary>
public static class ExactDistance
{
    /// <summary>Squared L2 distance between two equally long vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("vectors differ in length");
        int n = a.Length;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        // Lane l of (lo, hi) accumulates elements i ≡ l (mod 8): same order with or without SIMD.
        Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<float> va = Vector256.LoadUnsafe(ref ra, (nuint)i);
            Vector256<float> vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
            (Vector256<double> al, Vector256<double> ah) = Vector256.Widen(va);
            (Vector256<double> bl, Vector256<double> bh) = Vector256.Widen(vb);
            Vector256<double> dl = al - bl, dh = ah - bh;
            lo += dl * dl;
            hi += dh * dh;
        }
        Span<double> lanes = stackalloc double[8];
        lo.CopyTo(lanes);
        hi.CopyTo(lanes[4..]);
        for (int l = 0; i < n; i++, l++)
        {
            double d = (double)a[i] - b[i];
            lanes[l] += d * d;
        }
        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    }

    /// <summary>Squared L2 norm in double precision.</summary>
    public static double SquaredNorm(ReadOnlySpan<float> a)
    {
        ref float r = ref MemoryMarshal.GetReference(a);
        Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= a.Length; i += 8)
        {
            (Vector256<double> l, Vector256<double> h) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
            lo += l * l;
            hi += h * h;
        }
        double s = Vector256.Sum(lo + hi);
        for (; i < a.Length; i++) s += (double)a[i] * a[i];
        return s;
    }
}
