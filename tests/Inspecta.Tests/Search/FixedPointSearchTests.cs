using Inspecta.Search;

namespace Inspecta.Tests.Search;

/// <summary>The 16-bit fixed-point candidate pass: kernel arithmetic, packing, and results identical to the float path.</summary>
public unsafe class FixedPointSearchTests
{
    private static float[] RandomMatrix(Random rng, int rows, int dim, float offset = 0f, float scale = 1f)
    {
        var m = new float[rows * dim];
        for (int i = 0; i < m.Length; i++) m[i] = offset + scale * ((float)rng.NextDouble() - 0.5f);
        return m;
    }

    private static (float[] D, int[] I) Search(float[] bank, int count, int dim, float[] queries, int queryCount, int k,
        ExactNearestNeighbours.Kernel kernel)
    {
        var index = new ExactNearestNeighbours(bank, count, dim, kernel);
        Assert.Equal(kernel == ExactNearestNeighbours.Kernel.FixedPoint, index.UsesFixedPoint);
        var d = new float[queryCount * k];
        var idx = new int[queryCount * k];
        index.Search(queries, queryCount, k, d, idx);
        return (d, idx);
    }

    private static void AssertSameAsFloat(float[] bank, int count, int dim, float[] queries, int queryCount, int k)
    {
        var (fd, fi) = Search(bank, count, dim, queries, queryCount, k, ExactNearestNeighbours.Kernel.Float);
        var (qd, qi) = Search(bank, count, dim, queries, queryCount, k, ExactNearestNeighbours.Kernel.FixedPoint);
        Assert.Equal(fi, qi);
        Assert.Equal(fd, qd);   // bit-identical: both re-rank with ExactDistance
    }

    public static TheoryData<int, int, int, int> Shapes => new()
    {
        // queries (tails of the 6-row panels), bank rows (tails of 32-row slivers), dim (odd: padded pair), k
        { 1, 1, 1, 1 }, { 5, 31, 3, 2 }, { 7, 33, 384, 1 }, { 13, 65, 385, 3 }, { 6, 32, 2, 1 }, { 25, 600, 129, 5 },
        { 40, 257, 1024, 9 }, { 11, 1000, 17, 40 },
    };

    [FixedPointTheory]
    [MemberData(nameof(Shapes))]
    public void RandomDataGivesTheFloatPathsResults(int queryCount, int count, int dim, int k)
    {
        var rng = new Random(queryCount * 7919 + count * 31 + dim);
        AssertSameAsFloat(RandomMatrix(rng, count, dim), count, dim, RandomMatrix(rng, queryCount, dim), queryCount, k);
    }

    [FixedPointFact]
    public void HeavyTailedRowsZeroRowsAndDuplicatesGiveTheFloatPathsResults()
    {
        // Non-negative features with a few huge values (coarse per-row scale), all-zero rows (scale 0), exact
        // duplicates (ties by index) and queries that are bank rows (distance 0).
        var rng = new Random(3);
        int dim = 384, count = 500, queryCount = 50, k = 4;
        var bank = new float[count * dim];
        for (int i = 0; i < bank.Length; i++) bank[i] = (float)Math.Max(0, rng.NextDouble() - 0.6) * (rng.Next(100) == 0 ? 40f : 1f);
        bank.AsSpan(7 * dim, dim).Clear();
        bank.AsSpan(9 * dim, dim).Clear();
        for (int b = 100; b < 140; b++) bank.AsSpan(3 * dim, dim).CopyTo(bank.AsSpan(b * dim));
        var queries = new float[queryCount * dim];
        for (int q = 0; q < queryCount; q++)
        {
            if (q % 5 == 0) bank.AsSpan(q * 3 * dim, dim).CopyTo(queries.AsSpan(q * dim));
            else
                for (int j = 0; j < dim; j++) queries[q * dim + j] = bank[(q * 11 % count) * dim + j] + 0.01f * (float)(rng.NextDouble() - 0.5);
        }
        queries.AsSpan(1 * dim, dim).Clear();
        AssertSameAsFloat(bank, count, dim, queries, queryCount, k);
    }

    [FixedPointFact]
    public void NearTiesAndFarQueriesGiveTheFloatPathsResults()
    {
        // Large common offset (distances tiny against the norms) and queries far from the bank: the windows get wide,
        // the exact re-ranking decides.
        var rng = new Random(11);
        int dim = 256, count = 300;
        AssertSameAsFloat(RandomMatrix(rng, count, dim, 30f, 0.01f), count, dim, RandomMatrix(rng, 20, dim, 30f, 0.01f), 20, 6);
        AssertSameAsFloat(RandomMatrix(rng, count, dim, 0f, 0.02f), count, dim, RandomMatrix(rng, 20, dim, 40f, 0.02f), 20, 3);
    }

    [FixedPointFact]
    public void SearchWithinGivesTheFloatPathsResults()
    {
        var rng = new Random(21);
        int dim = 100, count = 400, queryCount = 17, k = 3;
        float[] bank = RandomMatrix(rng, count, dim), queries = RandomMatrix(rng, queryCount, dim);
        (int, int)[] ranges = [(5, 40), (100, 3), (250, 90)];
        var results = new List<(float[], int[])>();
        foreach (var kernel in new[] { ExactNearestNeighbours.Kernel.Float, ExactNearestNeighbours.Kernel.FixedPoint })
        {
            var d = new float[queryCount * k];
            var idx = new int[queryCount * k];
            new ExactNearestNeighbours(bank, count, dim, kernel).SearchWithin(queries, queryCount, k, ranges, d, idx);
            Assert.All(idx, i => Assert.Contains(ranges, r => i >= r.Item1 && i < r.Item1 + r.Item2));
            results.Add((d, idx));
        }
        Assert.Equal(results[0].Item2, results[1].Item2);
        Assert.Equal(results[0].Item1, results[1].Item1);
    }

    [FixedPointTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(192)]
    [InlineData(513)]
    public void KernelEqualsScalarReferenceAtTheOverflowLimit(int pairs)
    {
        int levels = Int16MicroKernel.Levels(2 * pairs);
        Assert.True(2L * pairs * levels * levels <= int.MaxValue);
        var rng = new Random(pairs);
        int mr = Int16MicroKernel.Mr, nr = Int16MicroKernel.Nr;
        var a = new int[pairs * mr];
        var b = new int[pairs * nr];
        // Extremes ±L everywhere on the first rows (the largest possible sums), random values elsewhere.
        static int Word(int lo, int hi) => (ushort)(short)lo | (hi << 16);
        for (int p = 0; p < pairs; p++)
        {
            for (int i = 0; i < mr; i++) a[p * mr + i] = i == 0 ? Word(levels, levels) : i == 1 ? Word(-levels, -levels) : Word(rng.Next(-levels, levels + 1), rng.Next(-levels, levels + 1));
            for (int j = 0; j < nr; j++) b[p * nr + j] = j < 2 ? Word(j == 0 ? levels : -levels, j == 0 ? levels : -levels) : Word(rng.Next(-levels, levels + 1), rng.Next(-levels, levels + 1));
        }
        var tile = new int[mr * nr];
        var reference = new int[mr * nr];
        fixed (int* pa = a) fixed (int* pb = b) fixed (int* t = tile) fixed (int* r = reference)
        {
            Int16MicroKernel.Run(pa, pb, pairs, t);
            Int16MicroKernel.RunScalar(pa, pb, pairs, r);
        }
        Assert.Equal(reference, tile);
        Assert.Equal(2L * pairs * levels * levels, tile[0]);
        Assert.Equal(-2L * pairs * levels * levels, tile[1]);
    }

    [Fact]
    public void PackingKeepsValuesWithinHalfAStepAndReportsTheResidual()
    {
        var rng = new Random(8);
        int dim = 9, width = 4, rows = 3, levels = Int16MicroKernel.Levels(10);
        float[] src = RandomMatrix(rng, rows, dim, 1f, 3f);
        float[] mean = RandomMatrix(rng, 1, dim);
        var dst = new int[FixedPointPanels.Pairs(dim) * width];
        var scales = new float[width];
        var norms = new double[width];
        var residuals = new double[width];
        FixedPointPanels.Pack(src, rows, dim, 0, width, mean, levels, dst, scales, norms, residuals);
        for (int j = 0; j < rows; j++)
        {
            double residual = 0, norm = 0;
            for (int k = 0; k < dim; k++)
            {
                int word = dst[(k / 2) * width + j];
                short q = (short)(k % 2 == 0 ? word & 0xFFFF : word >> 16);
                float centred = src[j * dim + k] - mean[k];
                Assert.InRange(Math.Abs(q), 0, levels);
                double e = centred - (double)scales[j] * q;
                Assert.True(Math.Abs(e) <= scales[j] / 2 * (1 + 1e-6), $"row {j} dim {k}: error {e} exceeds half a step");
                residual += e * e;
                norm += (double)centred * centred;
            }
            Assert.Equal(Math.Sqrt(residual), residuals[j], 12);
            Assert.Equal(norm, norms[j], 12);
        }
        Assert.Equal(0, dst[(dim / 2) * width] >> 16);   // odd dimension: the pad half is zero
        Assert.Equal(0f, scales[3]);                      // padding row
        Assert.All(dst.Where((_, i) => i % width == 3), w => Assert.Equal(0, w));
    }
}

/// <summary>A fact that runs only where <see cref="Int16MicroKernel"/> can (AVX2); the float path is tested everywhere.</summary>
public sealed class FixedPointFactAttribute : FactAttribute
{
    public FixedPointFactAttribute() { if (!Int16MicroKernel.IsSupported) Skip = "the fixed-point kernel needs AVX2, which this CPU lacks"; }
}

/// <inheritdoc cref="FixedPointFactAttribute"/>
public sealed class FixedPointTheoryAttribute : TheoryAttribute
{
    public FixedPointTheoryAttribute() { if (!Int16MicroKernel.IsSupported) Skip = "the fixed-point kernel needs AVX2, which this CPU lacks"; }
}
