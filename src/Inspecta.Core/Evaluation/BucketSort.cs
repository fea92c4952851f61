using System.Runtime.CompilerServices;

namespace Inspecta.Evaluation;

/// <summary>
/// Sorting of payload-free 32-bit keys that were already scattered into buckets by their upper 16 bits: each bucket
/// is finished in place, large ones by counting their lower 16 bits and rewriting the run (no data movement, no
/// scratch array), small ones by an introsort. Buckets are independent, so they sort in parallel. Together with
/// the scatter done while the keys are produced, a bottle-sized test set (67 M keys) needs one scattered write
/// instead of the three of an LSD radix sort.
/// </summary>
internal static class BucketSort
{
    public const int Shift = 16, Buckets = 1 << Shift;
    private const int CountingThreshold = 8192;

    public static int BucketOf(uint key) => (int)(key >> Shift);

    /// <summary>Sorts every bucket [starts[b], starts[b+1]) of <paramref name="keys"/> (all keys there share bucket b).</summary>
    public static void SortBuckets(uint[] keys, long[] starts)
    {
        var nonEmpty = new List<int>();
        for (int b = 0; b < Buckets; b++) if (starts[b + 1] - starts[b] > 1) nonEmpty.Add(b);
        // Largest first so one huge bucket does not end up alone at the tail of the parallel loop.
        nonEmpty.Sort((a, b) => (starts[b + 1] - starts[b]).CompareTo(starts[a + 1] - starts[a]));
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(nonEmpty, loadBalance: true),
            () => Array.Empty<int>(),
            (b, _, counts) =>
            {
                var run = keys.AsSpan((int)starts[b], (int)(starts[b + 1] - starts[b]));
                if (run.Length < CountingThreshold) run.Sort();
                else
                {
                    if (counts.Length == 0) counts = new int[Buckets];
                    CountingSort(run, (uint)b << Shift, counts);
                }
                return counts;
            },
            _ => { });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountingSort(Span<uint> run, uint high, int[] counts)
    {
        Array.Clear(counts);
        foreach (uint k in run) counts[(int)(k & (Buckets - 1))]++;
        int o = 0;
        for (int low = 0; low < Buckets; low++)
        {
            int c = counts[low];
            if (c == 0) continue;
            run.Slice(o, c).Fill(high | (uint)low);
            o += c;
        }
    }
}
