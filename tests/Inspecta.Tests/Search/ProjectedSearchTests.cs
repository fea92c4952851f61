using Inspecta.Search;

namespace Inspecta.Tests.Search;

/// <summary>The pruned pass in the bank's principal subspace: results identical to the full float scan.</summary>
public class ProjectedSearchTests
{
    /// <summary>Rows near a low-dimensional manifold (as CNN patch features are), plus isotropic noise.</summary>
    private static float[] LowRank(Random rng, int rows, int dim, int rank, float noise, float offset = 0f)
    {
        var factors = new float[rank * dim];
        for (int i = 0; i < factors.Length; i++) factors[i] = (float)(rng.NextDouble() - 0.5);
        var m = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < rank; f++)
            {
                float w = (float)((rng.NextDouble() - 0.5) * 4 / (1 + f));
                for (int k = 0; k < dim; k++) m[r * dim + k] += w * factors[f * dim + k];
            }
            for (int k = 0; k < dim; k++) m[r * dim + k] += offset + noise * (float)(rng.NextDouble() - 0.5);
        }
        return m;
    }

    private static (float[] D, int[] I) Search(ExactNearestNeighbours index, float[] queries, int queryCount, int k)
    {
        var d = new float[queryCount * k];
        var idx = new int[queryCount * k];
        index.Search(queries, queryCount, k, d, idx);
        return (d, idx);
    }

    private static void AssertSameAsFullScan(float[] bank, int count, int dim, float[] queries, int queryCount, int k, int projection)
    {
        var full = new ExactNearestNeighbours(bank, count, dim, ExactNearestNeighbours.Kernel.Float, projection: 0);
        var pruned = new ExactNearestNeighbours(bank, count, dim, ExactNearestNeighbours.Kernel.Float, projection);
        Assert.Equal(projection, pruned.ProjectedDimensions);
        var (fd, fi) = Search(full, queries, queryCount, k);
        var (pd, pi) = Search(pruned, queries, queryCount, k);
        Assert.Equal(fi, pi);
        Assert.Equal(fd, pd);   // bit-identical: both re-rank with ExactDistance
    }

    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // queries, bank rows, dim, k, subspace size
        { 1, 5, 8, 1, 2 }, { 7, 33, 40, 2, 8 }, { 29, 600, 96, 1, 16 }, { 50, 1000, 384, 3, 32 }, { 15, 257, 130, 9, 48 },
        { 40, 2000, 64, 40, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LowRankDataGivesTheFullScansResults(int queryCount, int count, int dim, int k, int projection)
    {
        var rng = new Random(queryCount * 7919 + count * 31 + dim);
        var bank = LowRank(rng, count + queryCount, dim, rank: 6, noise: 0.05f);
        var queries = bank.AsSpan(count * dim).ToArray();
        AssertSameAsFullScan(bank, count, dim, queries, queryCount, k, projection);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void IsotropicDataGivesTheFullScansResults(int queryCount, int count, int dim, int k, int projection)
    {
        // No concentration at all: the bounds are loose and many rows are re-ranked, but the result is the same.
        var rng = new Random(count + 17 * dim);
        var bank = LowRank(rng, count, dim, rank: 0, noise: 1f);
        var queries = LowRank(rng, queryCount, dim, rank: 0, noise: 1f);
        AssertSameAsFullScan(bank, count, dim, queries, queryCount, k, projection);
    }

    [Fact]
    public void DuplicatesTiesBankRowsAsQueriesAndLargeOffsetsGiveTheFullScansResults()
    {
        var rng = new Random(5);
        int dim = 128, count = 3000, queryCount = 60;
        var bank = LowRank(rng, count, dim, rank: 4, noise: 0.01f, offset: 300f);   // norms ≫ distances: rounding matters
        for (int b = 100; b < 140; b++) bank.AsSpan(7 * dim, dim).CopyTo(bank.AsSpan(b * dim));   // exact duplicates: ties by index
        var queries = new float[queryCount * dim];
        for (int q = 0; q < queryCount; q++) bank.AsSpan((q * 37 % count) * dim, dim).CopyTo(queries.AsSpan(q * dim));   // distance 0
        bank.AsSpan(7 * dim, dim).CopyTo(queries.AsSpan(0, dim));
        foreach (int k in new[] { 1, 5, 45 }) AssertSameAsFullScan(bank, count, dim, queries, queryCount, k, projection: 16);
    }

    [Fact]
    public void LargeConcentratedBanksChooseThePrunedPassThemselves_SmallOrIsotropicOnesDoNot()
    {
        var rng = new Random(9);
        int dim = 192;
        var concentrated = LowRank(rng, 5000, dim, rank: 8, noise: 0.02f);
        var index = new ExactNearestNeighbours(concentrated, 5000, dim);
        Assert.InRange(index.ProjectedDimensions, 16, dim / 3);
        Assert.Equal(0, new ExactNearestNeighbours(concentrated, 1000, dim).ProjectedDimensions);            // too small to pay
        Assert.Equal(0, new ExactNearestNeighbours(LowRank(rng, 5000, dim, 0, 1f), 5000, dim).ProjectedDimensions);   // no concentration

        var queries = LowRank(new Random(10), 200, dim, rank: 8, noise: 0.02f);
        var full = new ExactNearestNeighbours(concentrated, 5000, dim, ExactNearestNeighbours.Kernel.Float, projection: 0);
        var (fd, fi) = Search(full, queries, 200, 3);
        var (pd, pi) = Search(index, queries, 200, 3);
        Assert.Equal(fi, pi);
        Assert.Equal(fd, pd);
        // SearchWithin (restricted rows) keeps the full scan and its results.
        var d1 = new float[200]; var i1 = new int[200]; var d2 = new float[200]; var i2 = new int[200];
        index.SearchWithin(queries, 200, 1, [(100, 900), (3000, 50)], d1, i1);
        full.SearchWithin(queries, 200, 1, [(100, 900), (3000, 50)], d2, i2);
        Assert.Equal(i2, i1);
        Assert.Equal(d2, d1);
    }
}
