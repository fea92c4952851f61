using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.FAnoGan;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests.Methods;

public class FAnoGanTests
{
    private static FAnoGanOptions Tiny(int epochs = 2) => new()
    {
        ImageSize = 64, PatchSize = 32, Latent = 16, Width = 8, CriticIterations = 2,
        Epochs = epochs, BatchSize = 16, SamplesPerEpoch = 64, LearningRate = 1e-4, WeightDecay = 0, Seed = 5,
    };

    [Fact]
    public void TrainsBothPhasesDeterministicallyAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("weave", train: 6);
        using var a = new FAnoGanDetector(Tiny());
        using var b = new FAnoGanDetector(Tiny());
        a.Fit(TinyFit.Context(train));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(["gan", "gan", "encoder", "encoder"], a.History.Select(h => h.Phase));
        Assert.All(a.History, h => Assert.True(double.IsFinite(h.Loss)));
        using var dir = new TempDir();
        new TrainedModel(a, null, null).Save(dir["a.inspecta"]);
        new TrainedModel(b, null, null).Save(dir["b.inspecta"]);
        var ra = ModelReader.Open(dir["a.inspecta"]);
        var rb = ModelReader.Open(dir["b.inspecta"]);
        foreach (string net in new[] { "generator/project.weight", "critic/head.weight", "encoder/head.weight" })
            Assert.Equal(ra.ReadFloats(net), rb.ReadFloats(net));

        using var model = TrainedModel.Load(dir["a.inspecta"]);
        var loaded = model.Detector;
        foreach (var s in test.Take(3))
        {
            var p = a.Predict(s);
            var q = loaded.Predict(s);
            Assert.Equal(p.Map!.Data, q.Map!.Data);
            Assert.Equal(p.Score, q.Score);
            Assert.Equal(64, p.Map.Height);
            // The score is the combined residual + feature loss, never below the mean residual of the worst patch.
            Assert.True(p.Score > 0 && float.IsFinite(p.Score));
        }
    }

    [Fact]
    public void WeightsThatDoNotMatchTheArchitectureAreAUserError()
    {
        var (train, _) = TinyData.Category("weave", train: 3);
        using var d = new FAnoGanDetector(Tiny(epochs: 1));
        d.Fit(TinyFit.Context(train));
        using var dir = new TempDir();
        var writer = new ModelWriter(d.Method);
        d.Save(writer);
        writer.Parameters["architecture"]!["width"] = 16;
        writer.Parameters["width"] = 16;
        writer.WriteTo(dir["bad.inspecta"]);
        var ex = Assert.Throws<InspectaUserException>(() => TrainedModel.Load(dir["bad.inspecta"]).Dispose());
        Assert.Contains("do not match the architecture", ex.Message);
    }
}
