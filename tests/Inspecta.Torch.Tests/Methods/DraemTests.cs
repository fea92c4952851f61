using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.Draem;
using Inspecta.Torch.Training;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>DRAEM at 32–64² with narrow networks on a synthetic object category.</summary>
public class DraemTests
{
    private static DraemOptions Tiny(int epochs = 2, bool resume = false) => new()
    {
        ImageSize = 64, Epochs = epochs, BatchSize = 4, SamplesPerEpoch = 8, ReconstructiveWidth = 4, DiscriminativeWidth = 4, ScoreWindow = 5,
        LearningRate = 1e-3, Seed = 3, Resume = resume,
    };

    private static readonly string[] Trained = ["reconstructive/", "discriminative/"];

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = new DraemDetector(Tiny());
        using var b = new DraemDetector(Tiny());
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, Trained), TrainedWeights.Of(b, Trained));
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is > 0));

        using var dir = new TempDir();
        foreach (var p in TrainedChecks.ReloadPredictsBitIdentically(a, test.Take(3), dir["m.inspecta"]))
        {
            // The map is a probability; the score a mean of it, so at most its maximum.
            Assert.All(p.Map!.Data, v => Assert.InRange(v, 0f, 1f));
            Assert.InRange(p.Score, 0f, p.Map.Max() + 1e-6f);
        }
        Assert.All(ModelReader.Open(dir["m.inspecta"]).Manifest["arrays"]!.AsObject(), kv => Assert.Contains(Trained, t => kv.Key.StartsWith(t, StringComparison.Ordinal)));
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        TrainedChecks.ResumedFitEqualsUninterrupted((epochs, resume) => new DraemDetector(Tiny(epochs, resume)), train, Trained);
    }

    [Fact]
    public void SimulatedAnomaliesChangeOnlyTheMaskAndDependOnlyOnThePixels()
    {
        const int size = 64;
        var textures = AnomalyTextures.Render(size);
        Assert.Equal(12, textures.Length);
        Assert.All(textures, t => Assert.Equal((3, size, size), (t.Channels, t.Height, t.Width)));
        var synthesizer = new AnomalySynthesizer(textures, seed: 5);
        int withAnomaly = 0;
        for (int k = 0; k < 40; k++)
        {
            var rng = new Random(k);
            var image = new float[3 * size * size];
            for (int i = 0; i < image.Length; i++) image[i] = (float)rng.NextDouble();
            var (aug, mask) = (new float[image.Length], new float[size * size]);
            synthesizer.Apply(image, size, aug, mask);
            var (aug2, mask2) = (new float[image.Length], new float[size * size]);
            synthesizer.Apply(image, size, aug2, mask2);
            Assert.Equal(aug, aug2);
            Assert.Equal(mask, mask2);
            Assert.All(mask, m => Assert.True(m is 0f or 1f));
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < mask.Length; i++)
                    if (mask[i] == 0) Assert.Equal(image[c * mask.Length + i], aug[c * mask.Length + i]);
            if (mask.Any(m => m == 1)) withAnomaly++;
        }
        // Half the samples get an anomaly; some noise maps stay under the threshold everywhere.
        Assert.InRange(withAnomaly, 8, 30);
    }

    [Fact]
    public void FocalLossIsTheFormula()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 2, -1, 0, 0.5f }, [1, 2, 1, 2]);   // pixel 0: logits (2, 0); pixel 1: (−1, 0.5)
        var mask = tensor(new float[] { 0, 1 }, [1, 1, 1, 2]);
        double p0 = Math.Exp(2) / (Math.Exp(2) + 1), p1 = Math.Exp(0.5) / (Math.Exp(0.5) + Math.Exp(-1));
        double expected = -((1 - p0) * (1 - p0) * Math.Log(p0) + (1 - p1) * (1 - p1) * Math.Log(p1)) / 2;
        Assert.Equal(expected, DraemTask.Focal(logits, mask).item<float>(), 5);
    }

    [Fact]
    public void TrainingReducesTheLoss()
    {
        var (train, _) = TinyData.Category("flange", train: 4, size: 32);
        var epochs = new List<TrainingEpoch>();
        using var d = new DraemDetector(Tiny(epochs: 6) with { ImageSize = 32, SamplesPerEpoch = 16, LearningRate = 3e-3 });
        d.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        Assert.True(epochs[^1].Loss < 0.8 * epochs[0].Loss, string.Join(", ", epochs.Select(h => h.Loss.ToString("F3"))));
    }

    [Fact]
    public void CancellationLeavesNoModelAndBadOptionsAreUserErrors()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var cts = new CancellationTokenSource();
        using var d = new DraemDetector(Tiny(epochs: 3));
        Assert.Throws<TrainingInterruptedException>(() => d.Fit(TinyFit.Context(train, null, new TinyFit.SyncProgress<TrainingEpoch>(_ => cts.Cancel()), cts.Token)));
        Assert.Throws<InvalidOperationException>(() => d.Save(new ModelWriter(d.Method)));
        Assert.Contains("multiple of 32", Assert.Throws<InspectaUserException>(() => new DraemDetector(Tiny() with { ImageSize = 48 })).Message);
        Assert.Contains("odd", Assert.Throws<InspectaUserException>(() => new DraemDetector(Tiny() with { ScoreWindow = 4 })).Message);
    }
}
