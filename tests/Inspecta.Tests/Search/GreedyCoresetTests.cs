using Inspecta.Detectors;
using Inspecta.Search;

namespace Inspecta.Tests.Search;

public unsafe class GreedyCoresetTests
{
    /// <summary>The reference algorithm, literally: full O(N) min-update of every score per selection.</summary>
    private static int[] Reference(float[] features, int count, int dim, int target, int seed, int projectionDim, int startPoints)
    {
        var rng = new Random(seed);
        GreedyCoreset.QuantizedRows rows = GreedyCoreset.Prepare(features, count, dim, projectionDim, rng);
        int[] starts = GreedyCoreset.DrawDistinct(rng, count, Math.Min(startPoints, count));
        int d = rows.Dim;
        var score = new float[count];
        var result = new int[target];
        fixed (float* pinned = rows.Values)
        {
            float* v = pinned;
            float Dist(int a, int b) => GreedyCoreset.Distance(rows.Norms[a], rows.Norms[b], GreedyCoreset.Dot(v + a * d, v + b * d, d));
            for (int i = 0; i < count; i++)
            {
                float sum = 0;
                foreach (int s in starts) sum += Dist(i, s);
                score[i] = sum / starts.Length;
            }
            for (int t = 0; t < target; t++)
            {
                int arg = 0;
                for (int i = 1; i < count; i++) if (score[i] > score[arg]) arg = i;
                result[t] = arg;
                for (int i = 0; i < count; i++) score[i] = Math.Min(score[i], Dist(i, arg));
            }
        }
        return result;
    }

    private static float[] Clustered(Random rng, int count, int dim, int clusters) => Clustered(rng, count, dim, clusters, out _);

    private static float[] Clustered(Random rng, int count, int dim, int clusters, out int[] labels)
    {
        labels = new int[count];
        var centers = new float[clusters * dim];
        for (int i = 0; i < centers.Length; i++) centers[i] = (float)rng.NextDouble() * 4f;
        var f = new float[count * dim];
        for (int i = 0; i < count; i++)
        {
            int c = rng.Next(clusters);
            labels[i] = c;
            for (int j = 0; j < dim; j++) f[i * dim + j] = centers[c * dim + j] + 0.3f * ((float)rng.NextDouble() - 0.5f);
        }
        return f;
    }

    [Theory]
    [InlineData(500, 300, 50, 128, 64)]     // projected, many epochs
    [InlineData(800, 40, 200, 128, 100)]    // dim ≤ projection: rows used as they are
    [InlineData(300, 1030, 299, 17, 7)]     // odd projection, almost everything selected, tiny hot set
    [InlineData(700, 64, 90, 128, 8192)]    // everything hot: no catch-up
    [InlineData(1, 3, 1, 128, 1)]
    public void EpochsAndCatchUpEqualTheLiteralReference(int count, int dim, int target, int projectionDim, int hotRows)
    {
        var rng = new Random(count + dim);
        float[] f = Clustered(rng, count, dim, 12);
        int[] expected = Reference(f, count, dim, target, seed: 7, projectionDim, startPoints: 10);
        int[] actual = GreedyCoreset.Select(f, count, dim, target, 7, projectionDim, 10, hotRows, null, default);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void PublicDefaultsEqualTheReference()
    {
        var rng = new Random(12);
        float[] f = Clustered(rng, 3000, 200, 30);
        Assert.Equal(Reference(f, 3000, 200, 150, 5, 128, 10), GreedyCoreset.Select(f, 3000, 200, 150, seed: 5));
    }

    [Fact]
    public void DuplicatesAndTiesAreHandledLikeTheReference()
    {
        // 5 distinct rows repeated: after 5 picks every score is 0 and the lowest index is picked again,
        // also when more rows tie than the hot set holds.
        int dim = 8, count = 50;
        var f = new float[count * dim];
        for (int i = 0; i < count; i++) for (int j = 0; j < dim; j++) f[i * dim + j] = (i % 5) * 3 + j * 0.1f;
        int[] expected = Reference(f, count, dim, 9, 1, 128, 10);
        Assert.Equal(expected, GreedyCoreset.Select(f, count, dim, 9, seed: 1));
        Assert.Equal(expected, GreedyCoreset.Select(f, count, dim, 9, 1, 128, 10, 3, null, default));
        Assert.Equal(5, expected.Take(5).Select(i => i % 5).Distinct().Count());
    }

    [Fact]
    public void IsDeterministicBySeedAndCoversClusters()
    {
        var rng = new Random(2);
        float[] f = Clustered(rng, 2000, 256, 20, out int[] labels);
        int[] a = GreedyCoreset.Select(f, 2000, 256, 100, seed: 3);
        int[] b = GreedyCoreset.Select(f, 2000, 256, 100, seed: 3);
        int[] c = GreedyCoreset.Select(f, 2000, 256, 100, seed: 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(100, a.Distinct().Count());
        // Well-separated clusters: once a cluster has a center, the farthest row is always in another one.
        Assert.Equal(20, a.Take(20).Select(i => labels[i]).Distinct().Count());
    }

    [Fact]
    public void ReportsProgressAndHonoursCancellation()
    {
        var rng = new Random(4);
        float[] f = Clustered(rng, 400, 16, 5);
        var updates = new List<ProgressUpdate>();
        GreedyCoreset.Select(f, 400, 16, 40, 0, progress: new SyncProgress(updates.Add));
        Assert.Equal(new ProgressUpdate("coreset", 40, 40), updates[^1]);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => GreedyCoreset.Select(f, 400, 16, 40, 0, ct: cts.Token));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GreedyCoreset.Select(new float[6], 3, 2, 4, 0));
        Assert.Throws<ArgumentException>(() => GreedyCoreset.Select([1f, float.NaN], 1, 2, 1, 0));
    }

    private sealed class SyncProgress(Action<ProgressUpdate> report) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => report(value);
    }
}
