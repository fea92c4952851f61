using Inspecta.Search;

namespace Inspecta.Tests.Search;

public class ExactSearchWithinTests
{
    /// <summary>
    /// SPADE's restricted search must equal what it replaced: an index built from a copy of just the chosen
    /// row blocks (ranges deliberately not aligned to the kernel's slivers, near-duplicate rows for ties).
    /// </summary>
    [Theory]
    [InlineData(37, 24, 1)]
    [InlineData(50, 40, 3)]
    public void SearchWithinEqualsAnIndexOfTheCopiedRows(int blockRows, int dim, int k)
    {
        var rng = new Random(blockRows);
        int blocks = 9, count = blocks * blockRows;
        var bank = new float[count * dim];
        for (int i = 0; i < bank.Length; i++) bank[i] = (float)rng.NextDouble();
        bank.AsSpan(5 * dim, dim).CopyTo(bank.AsSpan(7 * blockRows * dim));   // identical rows in two blocks
        int queries = 29;
        var q = new float[queries * dim];
        for (int i = 0; i < q.Length; i++) q[i] = (float)rng.NextDouble();
        bank.AsSpan(5 * dim, dim).CopyTo(q);   // a query at distance 0 from a chosen and an unchosen row

        var index = new ExactNearestNeighbours(bank, count, dim);
        int[] chosen = [1, 4, 7];
        var ranges = chosen.Select(b => (b * blockRows, blockRows)).ToArray();
        var d = new float[queries * k];
        var idx = new int[queries * k];
        index.SearchWithin(q, queries, k, ranges, d, idx);

        var copy = new float[chosen.Length * blockRows * dim];
        for (int j = 0; j < chosen.Length; j++) bank.AsSpan(chosen[j] * blockRows * dim, blockRows * dim).CopyTo(copy.AsSpan(j * blockRows * dim));
        var expectD = new float[queries * k];
        var expectI = new int[queries * k];
        new ExactNearestNeighbours(copy, chosen.Length * blockRows, dim).Search(q, queries, k, expectD, expectI);

        Assert.Equal(expectD, d);
        for (int i = 0; i < idx.Length; i++) Assert.Equal(chosen[expectI[i] / blockRows] * blockRows + expectI[i] % blockRows, idx[i]);
        Assert.Equal(7 * blockRows, idx[0]);   // block 0 (row 5) is not searched
        Assert.Throws<ArgumentException>(() => index.SearchWithin(q, queries, 1, [(0, 10), (5, 10)], d, idx));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.SearchWithin(q, queries, 1, [(count - 1, 2)], d, idx));
    }
}
