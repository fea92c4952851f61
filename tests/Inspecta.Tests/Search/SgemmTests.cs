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
}
