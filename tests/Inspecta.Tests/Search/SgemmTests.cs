using Inspecta.Search;

namespace Inspecta.Tests.Search;

public class SgemmTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(13, 33, 7)]
    [InlineData(50, 17, 300)]
    [InlineData(200, 65, 520)]
    public void MatchesNaiveProduct(int m, int n, int k)
    {
        var rng = new Random(m * n + k);
        var a = new float[m * k];
        var b = new float[n * k];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
        var c = new float[m * n];
        Sgemm.MultiplyTransposed(a, m, b, n, k, c);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[j * k + p];
                Assert.True(Math.Abs(s - c[i * n + j]) < 1e-4 * Math.Sqrt(k), $"({i},{j}): {c[i * n + j]} vs {s}");
            }
    }

    [Fact]
    public void GemmPeakIsPositive()
    {
        double g = GemmPeak.MeasureGflops(size: 256, repeats: 1);
        Assert.True(g > 0.1, $"{g} GFLOP/s");
    }
}

public class SearchBenchmarkTests
{
    [Fact]
    public void MeasuresKnnAndCoresetOnSmallShapes()
    {
        KnnMeasurement m = SearchBenchmark.MeasureKnn("tiny", 30, 200, 64, 2, repeats: 1, peakGflops: 100);
        Assert.True(m.Milliseconds > 0 && m.Gflops > 0 && m.CpuGflops > 0);
        Assert.Equal(m.Gflops, m.PercentOfPeak, 6);
        CoresetMeasurement c = SearchBenchmark.MeasureCoreset(500, 64, 50);
        Assert.True(c.Seconds > 0);
        Assert.Equal(50, c.Target);
    }
}
