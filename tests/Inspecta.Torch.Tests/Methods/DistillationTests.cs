using Inspecta.Detectors;
using Inspecta.Features;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Methods.ReverseDistillation;
using Inspecta.Torch.Methods.Stfpm;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>The teacher–student methods at 64² on a synthetic object category, with the built-in backbone as the teacher.</summary>
public class DistillationTests
{
    public static TheoryData<string> Methods => [StfpmMethod.MethodId, ReverseDistillationMethod.MethodId];

    private static TeacherOptions Tiny(string method, int epochs = 2, bool resume = false)
    {
        TeacherOptions o = method == StfpmMethod.MethodId ? new StfpmOptions { LearningRate = 0.05 } : new ReverseDistillationOptions { LearningRate = 0.002 };
        return o with { ImageSize = 64, Epochs = epochs, BatchSize = 4, SamplesPerEpoch = 8, Seed = 3, Resume = resume, Backbone = TestBackbones.ResNet18 };
    }

    private static IAnomalyDetector Create(TeacherOptions o) => o switch
    {
        StfpmOptions s => new StfpmDetector(s),
        ReverseDistillationOptions r => new ReverseDistillationDetector(r),
        _ => throw new ArgumentException(o.GetType().Name),
    };

    private static string[] Trained(string method) => method == StfpmMethod.MethodId ? ["student/"] : ["bottleneck/", "decoder/"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically(string method)
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = Create(Tiny(method));
        using var b = Create(Tiny(method));
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, Trained(method)), TrainedWeights.Of(b, Trained(method)));
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is > 0));

        using var dir = new TempDir();
        new TrainedModel(a, null, null).Save(dir["m.inspecta"]);
        using var model = TrainedModel.Load(dir["m.inspecta"]);
        foreach (var s in test.Take(3))
        {
            var p = a.Predict(s);
            var q = model.Detector.Predict(s);
            Assert.Equal((64, 64), (p.Map!.Height, p.Map.Width));
            Assert.Equal(p.Map.Data, q.Map!.Data);
            Assert.Equal(p.Score, q.Score);
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v) && v >= -1e-6f));
        }
        // Only the trained networks are stored; the teacher is the backbone, recorded by its SHA-256.
        var reader = ModelReader.Open(dir["m.inspecta"]);
        Assert.All(reader.Manifest["arrays"]!.AsObject(), kv => Assert.Contains(Trained(method), p => kv.Key.StartsWith(p, StringComparison.Ordinal)));
        Assert.Equal(ModelCache.Sha256Of(TestBackbones.ResNet18), reader.Parameters["backbone"]!["sha256"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void TheStudentLearnsTheTeachersFeatures(string method)
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        var epochs = new List<TrainingEpoch>();
        using var d = Create(Tiny(method, epochs: 6) with { SamplesPerEpoch = 16 });
        d.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        // Three scales of 1 − cos start near their value for unrelated features and fall as the student matches the teacher.
        Assert.Equal(6, epochs.Count);
        Assert.True(epochs[^1].Loss < 0.8 * epochs[0].Loss, string.Join(", ", epochs.Select(h => h.Loss.ToString("F3"))));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void AResumedFitEqualsAnUninterruptedOne(string method)
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        using var dir = new TempDir();
        string ckpt = dir["m.inspecta.checkpoint"];
        using var whole = Create(Tiny(method, epochs: 2));
        whole.Fit(TinyFit.Context(train));
        using (var first = Create(Tiny(method, epochs: 1))) first.Fit(TinyFit.Context(train, ckpt));
        using var resumed = Create(Tiny(method, epochs: 2, resume: true));
        resumed.Fit(TinyFit.Context(train, ckpt));
        Assert.Equal(TrainedWeights.Of(whole, Trained(method)), TrainedWeights.Of(resumed, Trained(method)));
    }

    [Fact]
    public void CancellationLeavesNoModel()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var cts = new CancellationTokenSource();
        using var d = Create(Tiny(ReverseDistillationMethod.MethodId, epochs: 3));
        Assert.Throws<TrainingInterruptedException>(() => d.Fit(TinyFit.Context(train, null, new TinyFit.SyncProgress<TrainingEpoch>(_ => cts.Cancel()), cts.Token)));
        Assert.Throws<InvalidOperationException>(() => d.Save(new ModelWriter(d.Method)));
    }

    [Fact]
    public void SizesTheNetworksCannotTakeAreUserErrors()
    {
        var stfpm = Assert.Throws<InspectaUserException>(() => Create(Tiny(StfpmMethod.MethodId) with { ImageSize = 72 }));
        Assert.Contains("multiple of 16", stfpm.Message);
        var rd = Assert.Throws<InspectaUserException>(() => Create(Tiny(ReverseDistillationMethod.MethodId) with { ImageSize = 80 }));
        Assert.Contains("multiple of 32", rd.Message);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void AForeignTeacherIsAUserErrorNamingTheFile(string method)
    {
        // The package's graph is a ResNet-18 too, but not the layout the networks are built for (it runs to layer4, CNTK input).
        var (train, _) = TinyData.Category("flange", train: 2);
        string foreign = ResNet18Package.Locate().Model;
        using var d = Create(Tiny(method) with { Backbone = foreign });
        var ex = Assert.Throws<InspectaUserException>(() => d.Fit(TinyFit.Context(train)));
        Assert.StartsWith(foreign, ex.Message);
        Assert.Contains("not the built-in ResNet-18 layout", ex.Message);
    }
}
