using Inspecta.Geometry.Spatial;

namespace Inspecta.Tests.Geometry;

public class KdTreeTests
{
    internal static float[] RandomPoints(int n, int seed, float scale = 1f)
    {
        var rnd = new Random(seed);
        var p = new float[3 * n];
        for (int i = 0; i < p.Length; i++) p[i] = (float)rnd.NextDouble() * scale;
        return p;
    }

    private static (int Index, float D2)[] Brute(float[] pts, float x, float y, float z)
    {
        int n = pts.Length / 3;
        var all = new (int, float)[n];
        for (int i = 0; i < n; i++)
        {
            float dx = pts[3 * i] - x, dy = pts[3 * i + 1] - y, dz = pts[3 * i + 2] - z;
            all[i] = (i, float.IsFinite(pts[3 * i]) ? dx * dx + dy * dy + dz * dz : float.PositiveInfinity);
        }
        return all.OrderBy(t => t.Item2).ThenBy(t => t.Item1).ToArray();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 16)]
    [InlineData(2000, 16)]
    [InlineData(2000, 1)]
    [InlineData(5000, 40)]
    public void KnnMatchesBruteForce(int n, int k)
    {
        var pts = RandomPoints(n, n + k);
        var tree = new KdTree(pts);
        var queries = RandomPoints(200, 99, 1.2f);
        var (ix, d2) = tree.KnnBatch(queries, k);
        for (int q = 0; q < 200; q++)
        {
            var expected = Brute(pts, queries[3 * q], queries[3 * q + 1], queries[3 * q + 2]);
            for (int j = 0; j < k; j++)
            {
                if (j >= n) { Assert.Equal(-1, ix[q * k + j]); continue; }
                Assert.Equal(expected[j].D2, d2[q * k + j]);
                Assert.Equal(expected[j].Index, ix[q * k + j]);
            }
        }
    }

    [Fact]
    public void RadiusAndHybridMatchBruteForceAndSkipNonFinitePoints()
    {
        var pts = RandomPoints(3000, 4);
        pts[30] = float.NaN; pts[61] = float.PositiveInfinity;
        var tree = new KdTree(pts);
        Assert.Equal(3000, tree.Count);
        Assert.Equal(2998, tree.IndexedCount);
        var queries = RandomPoints(150, 5);
        const float r = 0.12f;
        var graph = tree.RadiusBatch(queries, r);
        var hybrid = tree.RadiusBatch(queries, r, maxNeighbours: 10);
        for (int q = 0; q < 150; q++)
        {
            var expected = Brute(pts, queries[3 * q], queries[3 * q + 1], queries[3 * q + 2]).Where(t => t.D2 < r * r).ToArray();
            Assert.Equal(expected.Select(t => t.Index).ToArray(), graph.Neighbours(q).ToArray());
            Assert.Equal(expected.Select(t => t.D2).ToArray(), graph.Distances2(q).ToArray());
            Assert.Equal(expected.Take(10).Select(t => t.Index).ToArray(), hybrid.Neighbours(q).ToArray());
        }
        Assert.InRange(graph.MeanCount, 10, 40);
        Assert.DoesNotContain(10, graph.Indices);
        Assert.DoesNotContain(20, graph.Indices);
    }

    [Fact]
    public void DuplicatePointsAndTiesAreOrderedByIndex()
    {
        var pts = new float[3 * 50]; // all at the origin
        var tree = new KdTree(pts, leafSize: 3);
        var list = new NeighbourList();
        Assert.Equal(50, tree.Radius(0, 0, 0, 1f, list));
        Assert.Equal(Enumerable.Range(0, 50).ToArray(), list.Indices.ToArray());
        Span<int> ix = stackalloc int[5];
        Span<float> d = stackalloc float[5];
        Assert.Equal(5, tree.Knn(0, 0, 0, 5, ix, d));
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, ix.ToArray());
        Assert.Equal(0, tree.Radius(5, 5, 5, 1f, list));
        Assert.Equal(0, new KdTree(Array.Empty<float>()).Knn(0, 0, 0, 3, ix, d));
    }
}
