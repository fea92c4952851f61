using System.Runtime.CompilerServices;

namespace Inspecta.Evaluation;

/// <summary>Extracts the 32-bit sort key of an element.</summary>
internal interface IRadixKey<T> where T : unmanaged
{
    static abstract uint Key(T value);
}

/// <summary>The element is its own key.</summary>
internal readonly struct SelfKey : IRadixKey<uint>
{
    public static uint Key(uint value) => value;
}

/// <summary>The key is the upper half of a (key, payload) pair packed into 64 bits.</summary>
internal readonly struct HighHalfKey : IRadixKey<ulong>
{
    public static uint Key(ulong value) => (uint)(value >> 32);
}

/// <summary>
/// Stable LSD radix sort on 32-bit keys in three 11-bit passes, histogram and scatter split over threads.
/// Tens of millions of scores sort several times faster than with a comparison sort; passes whose digit is
/// the same for every element (common: scores share sign and exponent) are skipped.
/// </summary>
internal static class RadixSort
{
    private const int Bits = 11, Buckets = 1 << Bits, Mask = Buckets - 1;
    private const int MinPerThread = 1 << 16;

    /// <summary>Sorts <paramref name="data"/>[0..length) ascending by key.</summary>
    /// <returns>The array holding the sorted elements: <paramref name="data"/> or <paramref name="scratch"/>.</returns>
    public static T[] Sort<T, TKey>(T[] data, T[] scratch, int length, int maxThreads = 0)
        where T : unmanaged where TKey : IRadixKey<T>
    {
        if (scratch.Length < length || data.Length < length) throw new ArgumentException("Buffers shorter than length.");
        if (length < 2) return data;
        int threads = Math.Max(1, Math.Min(maxThreads > 0 ? maxThreads : Environment.ProcessorCount, length / MinPerThread));
        var counts = new int[threads * Buckets];
        T[] src = data, dst = scratch;
        for (int shift = 0; shift < 32; shift += Bits)
        {
            Array.Clear(counts);
            int s = shift;
            T[] from = src;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var (lo, hi) = Chunk(length, threads, t);
                Histogram<T, TKey>(from.AsSpan(lo, hi - lo), s, counts.AsSpan(t * Buckets, Buckets));
            });
            if (IsSingleBucket(counts, threads, length)) continue;

            // Exclusive prefix in (bucket, thread) order keeps the sort stable.
            int running = 0;
            for (int b = 0; b < Buckets; b++)
                for (int t = 0; t < threads; t++)
                {
                    int c = counts[t * Buckets + b];
                    counts[t * Buckets + b] = running;
                    running += c;
                }

            T[] to = dst;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var (lo, hi) = Chunk(length, threads, t);
                Scatter<T, TKey>(from, to, lo, hi, s, counts.AsSpan(t * Buckets, Buckets));
            });
            (src, dst) = (dst, src);
        }
        return src;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Histogram<T, TKey>(ReadOnlySpan<T> part, int shift, Span<int> hist)
        where T : unmanaged where TKey : IRadixKey<T>
    {
        foreach (T v in part) hist[(int)(TKey.Key(v) >> shift) & Mask]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Scatter<T, TKey>(T[] from, T[] to, int lo, int hi, int shift, Span<int> offsets)
        where T : unmanaged where TKey : IRadixKey<T>
    {
        fixed (T* f = from)
        fixed (T* d = to)
        fixed (int* off = offsets)
        {
            for (int i = lo; i < hi; i++)
            {
                T v = f[i];
                int b = (int)(TKey.Key(v) >> shift) & Mask;
                d[off[b]++] = v;
            }
        }
    }

    private static bool IsSingleBucket(int[] counts, int threads, int length)
    {
        for (int b = 0; b < Buckets; b++)
        {
            int total = 0;
            for (int t = 0; t < threads; t++) total += counts[t * Buckets + b];
            if (total == length) return true;
            if (total != 0) return false;
        }
        return false;
    }

    private static (int Lo, int Hi) Chunk(int length, int parts, int index) =>
        ((int)((long)length * index / parts), (int)((long)length * (index + 1) / parts));
}
