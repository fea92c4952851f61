using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.CFlow;
using Inspecta.Torch.Nn.Flows;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>CFLOW-AD at 64² on a synthetic object category with the built-in backbone's layer1–3.</summary>
public class CFlowTests
{
    private static CFlowOptions Tiny(int epochs = 2, bool resume = false) => new()
    {
        ImageSize = 64, Epochs = epochs, BatchSize = 4, SamplesPerEpoch = 8, CouplingBlocks = 2, ConditionChannels = 16, FibreBatch = 128,
        LearningRate = 1e-3, Seed = 3, Resume = resume, Backbone = TestBackbones.ResNet18,
    };

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = new CFlowDetector(Tiny());
        using var b = new CFlowDetector(Tiny());
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, "cflow/"), TrainedWeights.Of(b, "cflow/"));
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is not null));

        using var dir = new TempDir();
        foreach (var p in TrainedChecks.ReloadPredictsBitIdentically(a, test.Take(3), dir["m.inspecta"]))
        {
            Assert.Equal((64, 64), (p.Map!.Height, p.Map.Width));
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v)));
        }
        Assert.All(ModelReader.Open(dir["m.inspecta"]).Manifest["arrays"]!.AsObject(), kv => Assert.StartsWith("cflow/", kv.Key));
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        TrainedChecks.ResumedFitEqualsUninterrupted((epochs, resume) => new CFlowDetector(Tiny(epochs, resume)), train, "cflow/");
    }

    [Fact]
    public void TheLikelihoodOfTheGoodFibresRises()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        var epochs = new List<TrainingEpoch>();
        using var d = new CFlowDetector(Tiny(epochs: 4));
        d.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        Assert.True(epochs[^1].Loss < epochs[0].Loss - 0.2, string.Join(", ", epochs.Select(h => h.Loss.ToString("F3"))));
        Assert.True(epochs[^1].ValidationLoss < epochs[0].ValidationLoss, string.Join(", ", epochs.Select(h => h.ValidationLoss?.ToString("F3"))));
    }

    [Fact]
    public void PositionalEncodingIsSinAndCosPerAxis()
    {
        const int p = 8, h = 3, w = 5, plane = h * w;
        var pe = PositionalEncoding.Create(p, h, w);
        // Channel pair 0/1: frequency 1 along x; pair 2/3: frequency 10000^(−1/2) along x; 4–7 the same along y.
        int at = 2 * w + 4;   // y = 2, x = 4
        Assert.Equal(Math.Sin(4), pe[0 * plane + at], 6);
        Assert.Equal(Math.Cos(4), pe[1 * plane + at], 6);
        Assert.Equal(Math.Sin(4 / 100.0), pe[2 * plane + at], 6);
        Assert.Equal(Math.Sin(2), pe[4 * plane + at], 6);
        Assert.Equal(Math.Cos(2 / 100.0), pe[7 * plane + at], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => PositionalEncoding.Create(6, h, w));
    }

    [Fact]
    public void BadOptionsAreUserErrors()
    {
        Assert.Contains("multiple of 4", Assert.Throws<InspectaUserException>(() => new CFlowDetector(Tiny() with { ConditionChannels = 18 })).Message);
        Assert.Contains("multiple of 16", Assert.Throws<InspectaUserException>(() => new CFlowDetector(Tiny() with { ImageSize = 40 })).Message);
    }
}
