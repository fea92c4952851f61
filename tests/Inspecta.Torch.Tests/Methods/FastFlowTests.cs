using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.FastFlow;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>FastFlow at 64² on a synthetic object category with the built-in backbone's layer1–3.</summary>
public class FastFlowTests
{
    private static FastFlowOptions Tiny(int epochs = 2, bool resume = false) => new()
    {
        ImageSize = 64, Epochs = epochs, BatchSize = 4, SamplesPerEpoch = 8, FlowSteps = 4, HiddenRatio = 0.5, Seed = 3, Resume = resume,
        Backbone = TestBackbones.ResNet18,
    };

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = new FastFlowDetector(Tiny());
        using var b = new FastFlowDetector(Tiny());
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, "flow/"), TrainedWeights.Of(b, "flow/"));
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is not null));

        using var dir = new TempDir();
        foreach (var p in TrainedChecks.ReloadPredictsBitIdentically(a, test.Take(3), dir["m.inspecta"]))
        {
            Assert.Equal((64, 64), (p.Map!.Height, p.Map.Width));
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v) && v >= 0));
        }
        var reader = ModelReader.Open(dir["m.inspecta"]);
        Assert.All(reader.Manifest["arrays"]!.AsObject(), kv => Assert.StartsWith("flow/", kv.Key));
        Assert.Equal(a.ParameterCount, reader.Parameters["parameter_count"]!.GetValue<long>());
    }

    [Fact]
    public void TheLikelihoodOfTheGoodFeaturesRises()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        var epochs = new List<TrainingEpoch>();
        using var d = new FastFlowDetector(Tiny(epochs: 5) with { SamplesPerEpoch = 16 });
        d.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        // A fresh flow is the identity: the loss starts at ½ per dimension (standardised features) and falls below it.
        Assert.InRange(epochs[0].Loss, 0.3 * 3, 0.6 * 3);
        Assert.True(epochs[^1].Loss < 0.8 * epochs[0].Loss, string.Join(", ", epochs.Select(h => h.Loss.ToString("F3"))));
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        TrainedChecks.ResumedFitEqualsUninterrupted((epochs, resume) => new FastFlowDetector(Tiny(epochs, resume)), train, "flow/");
    }

    [Fact]
    public void CancellationLeavesNoModel()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var cts = new CancellationTokenSource();
        using var d = new FastFlowDetector(Tiny(epochs: 3));
        Assert.Throws<TrainingInterruptedException>(() => d.Fit(TinyFit.Context(train, null, new TinyFit.SyncProgress<TrainingEpoch>(_ => cts.Cancel()), cts.Token)));
        Assert.Throws<InvalidOperationException>(() => d.Save(new ModelWriter(d.Method)));
    }

    [Fact]
    public void ATooHighLearningRateStopsWithTheEpochNamed()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var d = new FastFlowDetector(Tiny(epochs: 3) with { LearningRate = 1e8, Clamp = 20 });
        var ex = Assert.Throws<InspectaUserException>(() => d.Fit(TinyFit.Context(train)));
        Assert.Matches("loss became .* in epoch [123] of 3", ex.Message);
    }
}
