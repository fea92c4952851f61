using Inspecta.Search;

namespace Inspecta.Tests.Search;

public class ExactNearestNeighboursTests
{
    /// <summary>Brute force by definition: every bank row, exact distance, sorted by (d², index).</summary>
    private static (float[] D, int[] I) BruteForce(float[] bank, int count, float[] queries, int queryCount, int dim, int k)
    {
        var d = new float[queryCount * k];
        var idx = new int[queryCount * k];
        var all = new (double, int)[count];
        for (int q = 0; q < queryCount; q++)
        {
            for (int b = 0; b < count; b++)
                all[b] = (ExactDistance.Squared(queries.AsSpan(q * dim, dim), bank.AsSpan(b * dim, dim)), b);
            Array.Sort(all);
            for (int j = 0; j < k; j++) { d[q * k + j] = (float)Math.Sqrt(all[j].Item1); idx[q * k + j] = all[j].Item2; }
        }
        return (d, idx);
    }

    private static float[] RandomMatrix(Random rng, int rows, int dim, float offset = 0f, float scale = 1f)
    {
        var m = new float[rows * dim];
        for (int i = 0; i < m.Length; i++) m[i] = offset + scale * ((float)rng.NextDouble() - 0.5f);
        return m;
    }

    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1 }, { 3, 7, 5, 2 }, { 17, 33, 15, 5 }, { 13, 100, 31, 10 }, { 29, 257, 64, 1 },
        { 50, 97, 127, 50 }, { 25, 600, 129, 3 }, { 37, 70, 1024, 9 }, { 9, 41, 1030, 4 }, { 100, 1500, 17, 7 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesBruteForceOnRandomData(int queryCount, int count, int dim, int k)
    {
        var rng = new Random(queryCount * 1000 + dim);
        float[] bank = RandomMatrix(rng, count, dim);
        float[] queries = RandomMatrix(rng, queryCount, dim);
        var index = new ExactNearestNeighbours(bank, count, dim);
        var d = new float[queryCount * k];
        var idx = new int[queryCount * k];
        index.Search(queries, queryCount, k, d, idx);
        (float[] rd, int[] ri) = BruteForce(bank, count, queries, queryCount, dim, k);
        Assert.Equal(ri, idx);
        Assert.Equal(rd, d);
    }

    [Fact]
    public void DuplicatesAndTiesAreOrderedByIndex()
    {
        // Few distinct rows repeated many times and queries that are bank rows: massive exact ties.
        var rng = new Random(5);
        int dim = 37, count = 300;
        float[] distinct = RandomMatrix(rng, 4, dim);
        var bank = new float[count * dim];
        for (int b = 0; b < count; b++) distinct.AsSpan((b * 7 % 4) * dim, dim).CopyTo(bank.AsSpan(b * dim));
        float[] queries = bank.AsSpan(0, 10 * dim).ToArray();
        var index = new ExactNearestNeighbours(bank, count, dim);
        const int k = 40;
        var d = new float[10 * k];
        var idx = new int[10 * k];
        index.Search(queries, 10, k, d, idx);
        (float[] rd, int[] ri) = BruteForce(bank, count, queries, 10, dim, k);
        Assert.Equal(ri, idx);
        Assert.Equal(rd, d);
        Assert.Equal(0f, d[0]);
    }

    [Fact]
    public void NearTiesWithLargeNormsStayExact()
    {
        // Large common offset: ‖q‖² and ‖b‖² dwarf the distances, the regime where the fp32 expansion
        // misorders neighbours. The candidate window must still recover the exact order.
        var rng = new Random(11);
        int dim = 256, count = 700, queryCount = 40, k = 8;
        float[] bank = RandomMatrix(rng, count, dim, offset: 30f, scale: 0.01f);
        float[] queries = RandomMatrix(rng, queryCount, dim, offset: 30f, scale: 0.01f);
        var index = new ExactNearestNeighbours(bank, count, dim);
        var d = new float[queryCount * k];
        var idx = new int[queryCount * k];
        index.Search(queries, queryCount, k, d, idx);
        (float[] rd, int[] ri) = BruteForce(bank, count, queries, queryCount, dim, k);
        Assert.Equal(ri, idx);
        Assert.Equal(rd, d);
    }

    [Fact]
    public void QueriesFarFromTheBankStayExact()
    {
        // Queries far from the bank mean: centring cannot shrink ‖q‖², the distances to all bank rows are nearly
        // equal and the fp32 expansion cannot order them; only the exact re-ranking can.
        var rng = new Random(12);
        int dim = 300, count = 500, queryCount = 30, k = 6;
        float[] bank = RandomMatrix(rng, count, dim, offset: 0f, scale: 0.02f);
        float[] queries = RandomMatrix(rng, queryCount, dim, offset: 40f, scale: 0.02f);
        var index = new ExactNearestNeighbours(bank, count, dim);
        var d = new float[queryCount * k];
        var idx = new int[queryCount * k];
        index.Search(queries, queryCount, k, d, idx);
        (float[] rd, int[] ri) = BruteForce(bank, count, queries, queryCount, dim, k);
        Assert.Equal(ri, idx);
        Assert.Equal(rd, d);
    }

    [Fact]
    public void DistancesAgreeWithNaiveDoubleComputation()
    {
        var rng = new Random(3);
        int dim = 50, count = 80;
        float[] bank = RandomMatrix(rng, count, dim);
        float[] queries = RandomMatrix(rng, 5, dim);
        float[] nearest = new ExactNearestNeighbours(bank, count, dim).NearestDistances(queries, 5);
        for (int q = 0; q < 5; q++)
        {
            double best = double.MaxValue;
            for (int b = 0; b < count; b++)
            {
                double s = 0;
                for (int j = 0; j < dim; j++) { double t = queries[q * dim + j] - (double)bank[b * dim + j]; s += t * t; }
                best = Math.Min(best, s);
            }
            Assert.Equal(Math.Sqrt(best), nearest[q], 5);
        }
    }

    [Fact]
    public void ConcurrentSearchesGiveTheSameResults()
    {
        var rng = new Random(8);
        int dim = 64, count = 500, queryCount = 60, k = 3;
        float[] bank = RandomMatrix(rng, count, dim);
        float[] queries = RandomMatrix(rng, queryCount, dim);
        var index = new ExactNearestNeighbours(bank, count, dim);
        var expected = new int[queryCount * k];
        index.Search(queries, queryCount, k, new float[queryCount * k], expected);
        Parallel.For(0, 8, _ =>
        {
            var idx = new int[queryCount * k];
            index.Search(queries, queryCount, k, new float[queryCount * k], idx);
            Assert.Equal(expected, idx);
        });
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var index = new ExactNearestNeighbours(new float[6], 3, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(new float[2], 1, 4, new float[4], new int[4]));
        Assert.Throws<ArgumentException>(() => index.Search(new float[1], 1, 1, new float[1], new int[1]));
        Assert.Throws<ArgumentException>(() => new ExactNearestNeighbours([1f, float.NaN], 1, 2));
        Assert.Throws<ArgumentException>(() => index.Search([float.PositiveInfinity, 0f], 1, 1, new float[1], new int[1]));
    }
}
