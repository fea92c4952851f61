using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.Gcad;
using Inspecta.Torch.Methods.StudentTeacher;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>GCAD at tiny sizes: the fading skips, the bottleneck, the two-phase schedule, determinism and reload.</summary>
public class GcadTests
{
    private static GcadOptions Tiny(int epochs = 3, bool resume = false) => new()
    {
        ImageSize = 32, Scales = [17], Width = 4, DescriptorDim = 8, GlobalDim = 4, Bottleneck = 4, GlobalWidth = 4, UNetWidth = 4, Epochs = epochs,
        FirstPhaseEpochs = 1, SkipFadeEpochs = 2, SamplesPerEpoch = 2, BatchSize = 1, TeacherEpochs = 1, TeacherSamplesPerEpoch = 16, TeacherBatchSize = 8,
        TeacherData = TeacherDataChoice.Train, Seed = 4, Resume = resume, Backbone = TestBackbones.ResNet18, LearningRate = 1e-3,
    };

    [Fact]
    public void SkipWeightsFadeLinearlyTheHighestResolutionFirst()
    {
        // 100 fade epochs over 5 levels: level 0 (S/2) goes 1 → 0 over epochs 0–20, level 4 (S/32) over 80–100.
        Assert.Equal(1, GlobalEncoder.SkipWeight(0, 0, 100));
        Assert.Equal(0.5, GlobalEncoder.SkipWeight(0, 10, 100), 9);
        Assert.Equal(0, GlobalEncoder.SkipWeight(0, 20, 100));
        Assert.Equal(1, GlobalEncoder.SkipWeight(4, 79, 100));
        Assert.Equal(0.25, GlobalEncoder.SkipWeight(4, 95, 100), 9);
        Assert.All(Enumerable.Range(0, 5), l => Assert.Equal(0, GlobalEncoder.SkipWeight(l, 100, 100)));
    }

    [Fact]
    public void AfterTheFadeEverythingPassesTheBottleneck()
    {
        torch.manual_seed(1);
        using var e = new GlobalEncoder(64, 4, 3, 2, fadeEpochs: 1, stepsPerEpoch: 1);
        e.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = randn(1, 3, 64, 64);
        var before = e.forward(x);
        Assert.Equal(new long[] { 1, 2, 64, 64 }, before.shape);
        // Zeroing a skip convolution changes the output while the skips are open ...
        var skip = e.named_parameters().First(p => p.name.StartsWith("skips.0.weight", StringComparison.Ordinal)).parameter;
        var saved = skip.clone();
        skip.zero_();
        Assert.True((e.forward(x) - before).abs().max().item<float>() > 0);
        skip.copy_(saved);
        // ... and not after one epoch of fading: then the output is a function of the 3-d bottleneck vector alone.
        e.Step();
        Assert.Equal(1, e.EpochsDone);
        var faded = e.forward(x);
        skip.zero_();
        Assert.Equal(0, (e.forward(x) - faded).abs().max().item<float>());
    }

    [Fact]
    public void SameSeedGivesBitIdenticalModelsTwoPhasesAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 4, size: 40);
        using var a = new GcadDetector(Tiny());
        using var b = new GcadDetector(Tiny());
        var phases = new List<string>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(e => phases.Add(e.Phase))));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, "p"), TrainedWeights.Of(b, "p"));
        Assert.Equal(["teacher-p17", "gcad-local-p17", "gcad-global-p17", "gcad-global-p17"], phases);
        using var dir = new TempDir();
        new TrainedModel(a, null, null).Save(dir["m.inspecta"]);
        using var model = TrainedModel.Load(dir["m.inspecta"]);
        foreach (var s in test.Take(2))
        {
            var p = a.Predict(s);
            var q = model.Detector.Predict(s);
            Assert.Equal((40, 40), (p.Map!.Height, p.Map.Width));
            Assert.Equal(p.Map.Data, q.Map!.Data);
            Assert.Equal(p.Score, q.Score);
        }
        var reader = ModelReader.Open(dir["m.inspecta"]);
        // The fading counter travels with the model: 3 epochs of 2 steps.
        Assert.Equal(6, reader.ReadInts("p17/global_encoder/steps")[0]);
        // The teacher is stored as student-teacher stores it, so either method can reuse the other's (--teachers).
        using var st = new StudentTeacherDetector(new StudentTeacherOptions
        {
            ImageSize = 32, Scales = [17], Width = 4, DescriptorDim = 8, Students = 2, Epochs = 1, SamplesPerEpoch = 2, Teachers = dir["m.inspecta"], Seed = 4,
        });
        st.Fit(TinyFit.Context(train));
        Assert.Equal(reader.ReadFloats("p17/teacher/convs.0.weight"), TrainedWeights.Of(st, "p17/teacher/convs.0.weight"));
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 3, size: 40);
        using var dir = new TempDir();
        string ckpt = dir["m.inspecta.checkpoint"];
        using var whole = new GcadDetector(Tiny());
        whole.Fit(TinyFit.Context(train));
        using var cts = new CancellationTokenSource();
        using (var first = new GcadDetector(Tiny()))
        {
            var sink = new TinyFit.SyncProgress<TrainingEpoch>(e => { if (e.Phase.StartsWith("gcad-global", StringComparison.Ordinal)) cts.Cancel(); });
            Assert.Throws<TrainingInterruptedException>(() => first.Fit(TinyFit.Context(train, ckpt, sink, cts.Token)));
        }
        using var resumed = new GcadDetector(Tiny(resume: true));
        resumed.Fit(TinyFit.Context(train, ckpt));
        foreach (string part in new[] { "p17/teacher", "p17/global_encoder", "p17/mapping", "p17/local_regression", "p17/global_regression", "p17/descriptor", "p17/calibration" })
            Assert.True(TrainedWeights.Of(whole, part).SequenceEqual(TrainedWeights.Of(resumed, part)), part);
    }

    [Fact]
    public void SchedulesAndSizesTheNetworksCannotTakeAreUserErrors()
    {
        Assert.Contains("multiple of 32", Assert.Throws<InspectaUserException>(() => new GcadDetector(Tiny() with { ImageSize = 48 })).Message);
        Assert.Contains("leaves no epoch", Assert.Throws<InspectaUserException>(() => new GcadDetector(Tiny() with { FirstPhaseEpochs = 3 })).Message);
        Assert.Contains("would still carry local detail", Assert.Throws<InspectaUserException>(() => new GcadDetector(Tiny() with { SkipFadeEpochs = 4 })).Message);
    }
}
