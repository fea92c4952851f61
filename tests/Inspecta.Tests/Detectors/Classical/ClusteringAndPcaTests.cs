using Inspecta.Detectors.Components;
using Inspecta.Tests.Infrastructure;
using Inspecta.Detectors.FeatureDictionary;
using Inspecta.Search;

namespace Inspecta.Tests.Detectors.Classical;

public class ClusteringAndPcaTests
{
    [Fact]
    public void KMeansFindsThreeSeparatedBlobsDeterministically()
    {
        var rng = new Random(2);
        float[][] centres = [[0, 0, 0], [10, 0, 0], [0, 10, 5]];
        var data = new float[900 * 3];
        for (int i = 0; i < 900; i++)
            for (int j = 0; j < 3; j++) data[i * 3 + j] = centres[i % 3][j] + (float)(rng.NextDouble() - 0.5);
        var a = KMeans.Fit(data, 3, 3, seed: 4);
        var b = KMeans.Fit(data, 3, 3, seed: 4);
        Assert.Equal(a.Centres, b.Centres);
        foreach (var truth in centres)
        {
            double best = Enumerable.Range(0, 3).Min(c => Math.Sqrt(Enumerable.Range(0, 3).Sum(j => Math.Pow(a.Centres[c * 3 + j] - truth[j], 2))));
            Assert.True(best < 0.1, $"no centre near ({string.Join(',', truth)})");
        }
        // Every sample goes with its blob-mates.
        for (int i = 3; i < 900; i++) Assert.Equal(a.Assignment[i % 3], a.Assignment[i]);
        Assert.InRange(a.Inertia / 900, 0.15, 0.35); // 3 dims × var(U(-.5,.5)) = 0.25
    }

    [Fact]
    public void PcaKeepsTheDominantDirectionsForTheVarianceFraction()
    {
        // Variance 9 along (1,1,0)/√2, 1 along (1,-1,0)/√2, 0.01 along z.
        var rng = new Random(3);
        var data = new float[4000 * 3];
        for (int i = 0; i < 4000; i++)
        {
            double a = 3 * Normal(rng), b = Normal(rng), c = 0.1 * Normal(rng);
            data[i * 3] = (float)((a + b) / Math.Sqrt(2) + 5);
            data[i * 3 + 1] = (float)((a - b) / Math.Sqrt(2) - 2);
            data[i * 3 + 2] = (float)c;
        }
        var p80 = PrincipalComponents.Fit(data, 3, 0.8);
        Assert.Equal(1, p80.OutputDimension);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(p80.Components[0]), 1);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(p80.Components[1]), 1);
        Assert.Equal(5.0, p80.Mean[0], 1);
        var p95 = PrincipalComponents.Fit(data, 3, 0.95);
        Assert.Equal(2, p95.OutputDimension);
        Assert.Equal(3, PrincipalComponents.Fit(data, 3, 1.0).OutputDimension);
        // Projection of the mean is the origin; of mean + first axis is ±its length.
        var y = new float[2];
        p95.Project(p95.Mean, y, new float[3]);
        Assert.Equal(0f, y[0], 5);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
