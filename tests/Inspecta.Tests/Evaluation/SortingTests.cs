using Inspecta.Evaluation;

namespace Inspecta.Tests.Evaluation;

public class SortingTests
{
    private static float[] Scores(int n, int seed)
    {
        var rng = new Random(seed);
        var s = new float[n];
        for (int i = 0; i < n; i++)
            s[i] = (i % 7) switch
            {
                0 => -0f,
                1 => 0f,
                2 => -(float)rng.NextDouble() * 1e-3f,
                3 => float.Epsilon,
                4 => (float)(rng.NextDouble() * 1e6),
                _ => (float)(rng.NextDouble() * 4 - 1),
            };
        return s;
    }

    [Fact]
    public void KeysOrderScoresFromHighToLowAndFoldSignedZero()
    {
        var s = Scores(5000, 1);
        var byKey = s.OrderBy(ScoreKey.Descending).ToArray();
        var expected = s.OrderByDescending(v => v).ToArray();
        Assert.Equal(expected, byKey);
        Assert.Equal(ScoreKey.Descending(0f), ScoreKey.Descending(-0f));
        foreach (float v in s) Assert.Equal(v == 0 ? 0f : v, ScoreKey.ToScore(ScoreKey.Descending(v)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(100_000, 4)]  // splits over threads
    [InlineData(300_000, 1)]
    public void RadixSortIsStableAndMatchesArraySort(int n, int threads)
    {
        var s = Scores(n, 2);
        var packed = s.Select((v, i) => ((ulong)ScoreKey.Descending(v) << 32) | (uint)i).ToArray();
        var sorted = RadixSort.Sort<ulong, HighHalfKey>(packed, new ulong[n], n, threads);
        // Stable: equal keys keep their index order, so the packed values come out fully ascending.
        var expected = packed.Order().ToArray();
        Assert.Equal(expected, sorted.Take(n).ToArray());
    }

    [Fact]
    public void RadixSortSkipsConstantDigits()
    {
        // All keys share their upper 22 bits: two of three passes are skipped.
        var keys = Enumerable.Range(0, 70_000).Select(i => 0xABCD_E000u | (uint)((i * 7919) & 0x7FF)).ToArray();
        var sorted = RadixSort.Sort<uint, SelfKey>([.. keys], new uint[keys.Length], keys.Length);
        Assert.Equal(keys.Order().ToArray(), sorted.Take(keys.Length).ToArray());
    }

    [Fact]
    public void BucketSortFinishesEveryBucket()
    {
        var rng = new Random(3);
        // One huge bucket (counting path), a few small ones (introsort path), and empty ones.
        var keys = Enumerable.Range(0, 50_000).Select(_ => 0x1234_0000u | (uint)rng.Next(0, 65536))
            .Concat(Enumerable.Range(0, 300).Select(_ => 0x0001_0000u | (uint)rng.Next(0, 65536)))
            .Concat(Enumerable.Range(0, 5).Select(_ => 0xFFFF_0000u | (uint)rng.Next(0, 65536))).ToArray();
        var starts = new long[BucketSort.Buckets + 1];
        foreach (uint k in keys) starts[BucketSort.BucketOf(k) + 1]++;
        for (int b = 0; b < BucketSort.Buckets; b++) starts[b + 1] += starts[b];
        var cursor = starts.Take(BucketSort.Buckets).ToArray();
        var bucketed = new uint[keys.Length];
        foreach (uint k in keys) bucketed[cursor[BucketSort.BucketOf(k)]++] = k;
        BucketSort.SortBuckets(bucketed, starts);
        Assert.Equal(keys.Order().ToArray(), bucketed);
    }

    [Fact]
    public void TrapezoidFollowsTheOfficialLimitRule()
    {
        double[] x = [0, 0.1, 0.1, 0.3, 0.6, 1.0];
        double[] y = [0, 0.2, 0.4, 0.5, 0.9, 1.0];
        var areas = LimitedTrapezoid.Integrate(x, y, [0.3, 0.2, 1.0, 0.45]);
        // 0.3 lies on a point: no interpolation, both duplicate-x points count.
        double upTo03 = 0.5 * 0.2 * 0.1 + 0 + 0.5 * (0.4 + 0.5) * 0.2;
        Assert.Equal(upTo03 / 0.3, areas[0], 1e-15);
        // 0.2 lies inside (0.1, 0.3): y interpolated at 0.2 = 0.45.
        Assert.Equal((0.5 * 0.2 * 0.1 + 0.5 * (0.4 + 0.45) * 0.1) / 0.2, areas[1], 1e-15);
        double full = upTo03 + 0.5 * (0.5 + 0.9) * 0.3 + 0.5 * (0.9 + 1.0) * 0.4;
        Assert.Equal(full, areas[2], 1e-15);
        Assert.Equal((upTo03 + 0.5 * (0.5 + 0.7) * 0.15) / 0.45, areas[3], 1e-15);
    }
}
