using Inspecta.Detectors;
using Inspecta.Search;

namespace Inspecta.Tests.Search;

public unsafe class GreedyCoresetTests
{
    /// <summary>The reference algorithm without pruning: full O(N) min-update per selection.</summary>
    private static int[] Reference(float[] features, int count, int dim, int target, int seed, int projectionDim, int startPoints)
    {
        var rng = new Random(seed);
        (float[] pts, int stride) = GreedyCoreset.Project(features, count, dim, projectionDim, rng);
        int[] starts = GreedyCoreset.DrawDistinct(rng, count, Math.Min(startPoints, count));
        var score = new float[count];
        var result = new int[target];
        fixed (float* p = pts)
        {
            for (int i = 0; i < count; i++)
            {
                float sum = 0;
                foreach (int s in starts) sum += GreedyCoreset.Distance(p + i * stride, p + s * stride, stride);
                score[i] = sum / starts.Length;
            }
            for (int t = 0; t < target; t++)
            {
                int arg = 0;
                for (int i = 1; i < count; i++) if (score[i] > score[arg]) arg = i;
                result[t] = arg;
                for (int i = 0; i < count; i++)
                    score[i] = Math.Min(score[i], GreedyCoreset.Distance(p + i * stride, p + arg * stride, stride));
            }
        }
        return result;
    }

    private static float[] Clustered(Random rng, int count, int dim, int clusters)
    {
        var centers = new float[clusters * dim];
        for (int i = 0; i < centers.Length; i++) centers[i] = (float)rng.NextDouble() * 4f;
        var f = new float[count * dim];
        for (int i = 0; i < count; i++)
        {
            int c = rng.Next(clusters);
            for (int j = 0; j < dim; j++) f[i * dim + j] = centers[c * dim + j] + 0.3f * ((float)rng.NextDouble() - 0.5f);
        }
        return f;
    }

    [Theory]
    [InlineData(500, 300, 50, 128)]   // projected
    [InlineData(800, 40, 200, 128)]   // dim ≤ projection: used as is
    [InlineData(300, 1030, 299, 17)]  // odd projection, almost everything selected
    [InlineData(1, 3, 1, 128)]
    public void PrunedSelectionEqualsUnprunedReference(int count, int dim, int target, int projectionDim)
    {
        var rng = new Random(count + dim);
        float[] f = Clustered(rng, count, dim, 12);
        int[] expected = Reference(f, count, dim, target, seed: 7, projectionDim, startPoints: 10);
        int[] actual = GreedyCoreset.Select(f, count, dim, target, seed: 7, projectionDim);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void DuplicatesAreHandledLikeTheReference()
    {
        // 5 distinct rows repeated: after 5 picks every score is 0 and the lowest index is picked again.
        int dim = 8, count = 50;
        var f = new float[count * dim];
        for (int i = 0; i < count; i++) for (int j = 0; j < dim; j++) f[i * dim + j] = (i % 5) * 3 + j * 0.1f;
        int[] expected = Reference(f, count, dim, 9, 1, 128, 10);
        int[] actual = GreedyCoreset.Select(f, count, dim, 9, seed: 1);
        Assert.Equal(expected, actual);
        Assert.Equal(5, actual.Take(5).Select(i => i % 5).Distinct().Count());
    }

    [Fact]
    public void IsDeterministicBySeedAndCoversClusters()
    {
        var rng = new Random(2);
        float[] f = Clustered(rng, 2000, 256, 20);
        int[] a = GreedyCoreset.Select(f, 2000, 256, 100, seed: 3);
        int[] b = GreedyCoreset.Select(f, 2000, 256, 100, seed: 3);
        int[] c = GreedyCoreset.Select(f, 2000, 256, 100, seed: 4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(100, a.Distinct().Count());
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

    private sealed class SyncProgress(Action<ProgressUpdate> report) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => report(value);
    }
}
