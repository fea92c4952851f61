using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.CutPaste;
using Inspecta.Torch.Training;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>CutPaste at 32–64² on a synthetic object category with the built-in backbone's layer1–3.</summary>
public class CutPasteTests
{
    private static CutPasteOptions Tiny(int epochs = 2, bool resume = false) => new()
    {
        ImageSize = 64, Epochs = epochs, BatchSize = 4, SamplesPerEpoch = 8, PatchSize = 32, PatchStride = 16, HeadWidth = 16,
        LearningRate = 0.01, Seed = 3, Resume = resume, Backbone = TestBackbones.ResNet18,
    };

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = new CutPasteDetector(Tiny());
        using var b = new CutPasteDetector(Tiny());
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, "network/"), TrainedWeights.Of(b, "network/"));
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is > 0));

        using var dir = new TempDir();
        foreach (var p in TrainedChecks.ReloadPredictsBitIdentically(a, test.Take(3), dir["m.inspecta"]))
        {
            Assert.Equal((64, 64), (p.Map!.Height, p.Map.Width));
            Assert.True(float.IsFinite(p.Score) && p.Score >= 0);
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v) && v >= 0));
        }
        var reader = ModelReader.Open(dir["m.inspecta"]);
        Assert.All(reader.Manifest["arrays"]!.AsObject(), kv => Assert.True(kv.Key.StartsWith("network/", StringComparison.Ordinal) || kv.Key.StartsWith("density/", StringComparison.Ordinal), kv.Key));
        // The fine-tuned backbone is in the file: its first convolution is not the imported one.
        Assert.Contains("network/backbone.conv1.weight", reader.Manifest["arrays"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(a.ParameterCount, reader.Parameters["parameter_count"]!.GetValue<long>());
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        TrainedChecks.ResumedFitEqualsUninterrupted((epochs, resume) => new CutPasteDetector(Tiny(epochs, resume)), train, "network/");
    }

    [Fact]
    public void AugmentationsArePureFunctionsOfThePixelsAndChangeOnlyAPatch()
    {
        const int size = 64, plane = size * size;
        var aug = new CutPasteAugmentation(5);
        for (int k = 0; k < 20; k++)
        {
            var rng = new Random(k);
            var image = new float[3 * plane];
            for (int i = 0; i < image.Length; i++) image[i] = (float)rng.NextDouble();
            foreach (int kind in new[] { CutPasteAugmentation.CutPaste, CutPasteAugmentation.Scar })
            {
                var (x, y) = (new float[image.Length], new float[image.Length]);
                aug.Apply(image, size, kind, x);
                aug.Apply(image, size, kind, y);
                Assert.Equal(x, y);
                Assert.All(x, v => Assert.InRange(v, 0f, 1f));
                int changed = Enumerable.Range(0, plane).Count(i => x[i] != image[i] || x[plane + i] != image[plane + i] || x[2 * plane + i] != image[2 * plane + i]);
                // CutPaste: 2–15 % of the area; a scar at 64²: at most ⌈4⌉×⌈6.25⌉ rotated, a few dozen pixels.
                if (kind == CutPasteAugmentation.CutPaste) Assert.InRange(changed, 1, (int)(0.16 * plane) + 2 * size);
                else Assert.InRange(changed, 1, 60);
            }
            var normal = new float[image.Length];
            aug.Apply(image, size, CutPasteAugmentation.Normal, normal);
            Assert.Equal(image, normal);
        }
    }

    [Fact]
    public void TheGaussianIsLedoitWolfAndTheDistanceIsMahalanobis()
    {
        // Two dimensions, five points: S and the shrinkage by hand (scikit-learn's formula), then the distance.
        double[,] pts = { { 1, 2 }, { 2, 1 }, { 3, 5 }, { 4, 3 }, { 0, 0 } };
        int n = 5, d = 2;
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += pts[i, j] / n;
        var c = new double[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) c[i, j] = pts[i, j] - mean[j];
        var s = new double[d, d];
        for (int i = 0; i < n; i++) for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) s[a, b] += c[i, a] * c[i, b] / n;
        double mu = (s[0, 0] + s[1, 1]) / d;
        double beta_ = 0, delta_ = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                for (int i = 0; i < n; i++) beta_ += c[i, a] * c[i, a] * c[i, b] * c[i, b];
                delta_ += s[a, b] * s[a, b];
            }
        double beta = Math.Min((beta_ / n - delta_) / (d * n), (delta_ - 2 * mu * mu * d + d * mu * mu) / d);
        double rho = beta / ((delta_ - mu * mu * d) / d);
        double[,] cov = { { (1 - rho) * s[0, 0] + rho * mu, (1 - rho) * s[0, 1] }, { (1 - rho) * s[1, 0], (1 - rho) * s[1, 1] + rho * mu } };
        cov[0, 0] += GaussianDensity.Ridge * mu;
        cov[1, 1] += GaussianDensity.Ridge * mu;
        double det = cov[0, 0] * cov[1, 1] - cov[0, 1] * cov[1, 0];
        double[] q = [2 - mean[0], -1 - mean[1]];
        double expected = Math.Sqrt((q[0] * (cov[1, 1] * q[0] - cov[0, 1] * q[1]) + q[1] * (-cov[1, 0] * q[0] + cov[0, 0] * q[1])) / det);

        using var scope = NewDisposeScope();
        var flat = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) flat[i * d + j] = (float)pts[i, j];
        using var g = GaussianDensity.Fit(tensor(flat, [n, d]), "test", "points");
        Assert.Equal(rho, g.Shrinkage, 10);
        Assert.InRange(g.Shrinkage, 0, 1);
        Assert.Equal(expected, g.Distances(tensor(new float[] { 2, -1 }, [1, d]))[0], 4);
        Assert.Equal(0, g.Distances(tensor(new[] { (float)mean[0], (float)mean[1] }, [1, d]))[0], 3);
        var same = new float[3 * d];
        Assert.Contains("do not vary", Assert.Throws<InspectaUserException>(() => GaussianDensity.Fit(tensor(same, [3, d]), "test", "points")).Message);
    }

    [Fact]
    public void PatchesCoverTheImageAndTheMapIsTheMeanOfTheCoveringPatches()
    {
        Assert.Equal([0, 16, 32], CutPasteDetector.Offsets(64, 32, 16));
        Assert.Equal([0, 24, 32], CutPasteDetector.Offsets(64, 32, 24));
        Assert.Equal([0], CutPasteDetector.Offsets(64, 64, 16));
        var offsets = CutPasteDetector.Offsets(4, 2, 2);   // 2×2 patches of 2×2 pixels, no overlap
        var map = CutPasteDetector.PatchMap([1, 2, 3, 4], offsets, 2, 4);
        Assert.Equal(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, map);
        // Overlapping: 2×2 patches every pixel of a 3×3 image; the centre is covered by all four.
        Assert.Equal([0, 1], CutPasteDetector.Offsets(3, 2, 1));
        map = CutPasteDetector.PatchMap([1, 3, 5, 7], [0, 1], 2, 3);
        Assert.Equal(new float[] { 1, 2, 3, 3, 4, 5, 5, 6, 7 }, map);
    }

    [Fact]
    public void TrainingReducesTheLoss()
    {
        var (train, _) = TinyData.Category("flange", train: 4, size: 64);
        var epochs = new List<TrainingEpoch>();
        using var d = new CutPasteDetector(Tiny(epochs: 6) with { SamplesPerEpoch = 16, LearningRate = 0.02 });
        d.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        Assert.True(epochs[^1].Loss < 0.8 * epochs[0].Loss, string.Join(", ", epochs.Select(h => h.Loss.ToString("F3"))));
    }

    [Fact]
    public void TooFewImagesAndPatchesLargerThanTheImageAreUserErrors()
    {
        var (train, _) = TinyData.Category("flange", train: 2);
        using var d = new CutPasteDetector(Tiny());
        Assert.Contains("at least 2 good training images", Assert.Throws<InspectaUserException>(() => d.Fit(TinyFit.Context(train))).Message);
        Assert.Contains("larger than the 64×64 working image", Assert.Throws<InspectaUserException>(() => new CutPasteDetector(Tiny() with { PatchSize = 80 })).Message);
        Assert.Contains("multiple of 16", Assert.Throws<InspectaUserException>(() => new CutPasteDetector(Tiny() with { PatchSize = 40 })).Message);
        using var cts = new CancellationTokenSource();
        var (more, _) = TinyData.Category("flange", train: 4);
        using var e = new CutPasteDetector(Tiny(epochs: 3));
        Assert.Throws<TrainingInterruptedException>(() => e.Fit(TinyFit.Context(more, null, new TinyFit.SyncProgress<TrainingEpoch>(_ => cts.Cancel()), cts.Token)));
        Assert.Throws<InvalidOperationException>(() => e.Save(new ModelWriter(e.Method)));
    }
}
