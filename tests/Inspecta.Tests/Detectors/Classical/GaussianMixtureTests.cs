using Inspecta.Detectors.TextureGmm;

namespace Inspecta.Tests.Detectors.Classical;

public class GaussianMixtureTests
{
    private static float[] TwoClusters(int n, int seed)
    {
        var rng = new Random(seed);
        var data = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            bool second = i % 3 == 0; // weights 1/3, 2/3
            data[2 * i] = (float)((second ? 5 : -2) + 0.5 * Normal(rng));
            data[2 * i + 1] = (float)((second ? 1 : 3) + (second ? 1.5 : 0.3) * Normal(rng));
        }
        return data;
    }

    [Fact]
    public void EmRecoversTwoComponentsAndBicPicksTwo()
    {
        var data = TwoClusters(3000, 1);
        var (best, table) = GaussianMixtureFitter.SelectByBic(data, 2, [1, 2, 4, 8], seed: 3);
        Assert.Equal(4, table.Count);
        Assert.Equal(2, best.Components);
        int second = best.Means[0] > 0 ? 0 : 1;
        Assert.Equal(1 / 3.0, best.Weights[second], 2);
        Assert.Equal(5.0, best.Means[second * 2], 1);
        Assert.Equal(1.0, best.Means[second * 2 + 1], 1);
        Assert.Equal(1.5 * 1.5, best.Covariances[second * 4 + 3], 0);   // var(y) of the broad cluster
        Assert.Equal(0.3 * 0.3, best.Covariances[(1 - second) * 4 + 3], 1);
        // BIC table is consistent: the chosen count has the minimum.
        Assert.Equal(table.Min(t => t.Bic), table.Single(t => t.Components == 2).Bic);
    }

    [Fact]
    public void NllMatchesClosedFormForOneGaussian()
    {
        var mixture = new GaussianMixture([1.0], [1.0, -1.0], [4.0, 0.0, 0.0, 0.25], 2);
        // x = (3, -0.5): Mahalanobis² = (2²)/4 + (0.5²)/0.25 = 2; log|Σ| = log 1 = 0.
        double expected = 0.5 * 2 + Math.Log(2 * Math.PI);
        Assert.Equal(expected, mixture.NegativeLogLikelihood([3f, -0.5f]), 5);
    }

    [Theory]
    [InlineData(3, 13, 21)]
    [InlineData(7, 9, 8)]
    [InlineData(7, 1, 3)]
    public void VectorisedPatchNllMatchesReference(int patch, int height, int width)
    {
        int d = patch * patch;
        var rng = new Random(patch + height);
        var image = new float[height * width];
        for (int i = 0; i < image.Length; i++) image[i] = rng.NextSingle();
        // A mixture fitted on patches of a random image: realistic, full covariances.
        var train = new float[400 * d];
        for (int i = 0; i < train.Length; i++) train[i] = rng.NextSingle() + (i / d % 2) * 0.5f;
        var (mixture, _) = GaussianMixtureFitter.Fit(train, d, 2, seed: 1);
        var evaluator = new PatchNllEvaluator(mixture, patch);
        var output = new float[height * width];
        evaluator.Evaluate(image, height, width, output);

        var padded = PatchNllEvaluator.MirrorPad(image, height, width, patch, out int pw);
        var x = new float[d];
        for (int y = 0; y < height; y++)
            for (int xx = 0; xx < width; xx++)
            {
                for (int dy = 0; dy < patch; dy++)
                    for (int dx = 0; dx < patch; dx++) x[dy * patch + dx] = padded[(y + dy) * pw + xx + dx];
                double reference = mixture.NegativeLogLikelihood(x);
                Assert.True(Math.Abs(reference - output[y * width + xx]) < 1e-3 * Math.Max(1, Math.Abs(reference)),
                    $"pixel ({xx},{y}): {output[y * width + xx]} vs {reference}");
            }
    }

    [Fact]
    public void MirrorPaddingReflectsWithoutRepeatingTheEdge()
    {
        float[] row = [1, 2, 3, 4];
        var padded = PatchNllEvaluator.MirrorPad(row, 1, 4, 3, out int pw);
        Assert.Equal(8 + 2, pw);
        Assert.Equal([2f, 1, 2, 3, 4, 3], padded.AsSpan(pw, 6).ToArray()); // middle row = original row, mirrored
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
