using Inspecta.Detectors;
using Inspecta.Features;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.Stfpm;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests.Methods;

public class StfpmTests
{
    private static StfpmOptions Tiny(int epochs = 2, bool resume = false) =>
        new() { ImageSize = 64, Epochs = epochs, BatchSize = 4, SamplesPerEpoch = 8, LearningRate = 0.05, Seed = 3, Resume = resume, Backbone = TestBackbones.ResNet18 };

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = new StfpmDetector(Tiny());
        using var b = new StfpmDetector(Tiny());
        a.Fit(TinyFit.Context(train));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, "student/"), TrainedWeights.Of(b, "student/"));
        Assert.Equal(2, a.History.Count);
        Assert.All(a.History, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is > 0));

        using var dir = new TempDir();
        new TrainedModel(a, null, null).Save(dir["stfpm.inspecta"]);
        using var model = TrainedModel.Load(dir["stfpm.inspecta"]);
        foreach (var s in test.Take(3))
        {
            var p = a.Predict(s);
            var q = model.Detector.Predict(s);
            Assert.Equal((64, 64), (p.Map!.Height, p.Map.Width));
            Assert.Equal(p.Map.Data, q.Map!.Data);
            Assert.Equal(p.Score, q.Score);
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v) && v >= -1e-6f));
        }
        // Only the student is stored; the teacher is the backbone, recorded by its SHA-256.
        var reader = ModelReader.Open(dir["stfpm.inspecta"]);
        Assert.All(reader.Manifest["arrays"]!.AsObject(), kv => Assert.StartsWith("student/", kv.Key));
        Assert.Equal(ModelCache.Sha256Of(TestBackbones.ResNet18), reader.Parameters["backbone"]!["sha256"]!.GetValue<string>());
    }

    [Fact]
    public void TheStudentLearnsTheTeachersFeatures()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        using var d = new StfpmDetector(Tiny(epochs: 6) with { SamplesPerEpoch = 16 });
        d.Fit(TinyFit.Context(train));
        // Three layers of 1 − cos start near 3 (unrelated features) and fall as the student matches the teacher.
        Assert.True(d.History[^1].Loss < 0.8 * d.History[0].Loss, string.Join(", ", d.History.Select(h => h.Loss.ToString("F3"))));
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        using var dir = new TempDir();
        string ckpt = dir["m.inspecta.checkpoint"];
        using var whole = new StfpmDetector(Tiny(epochs: 2));
        whole.Fit(TinyFit.Context(train));
        using (var first = new StfpmDetector(Tiny(epochs: 1))) first.Fit(TinyFit.Context(train, ckpt));
        using var resumed = new StfpmDetector(Tiny(epochs: 2, resume: true));
        resumed.Fit(TinyFit.Context(train, ckpt));
        Assert.Equal(TrainedWeights.Of(whole, "student/"), TrainedWeights.Of(resumed, "student/"));
    }

    [Fact]
    public void CancellationLeavesNoModel()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var cts = new CancellationTokenSource();
        using var d = new StfpmDetector(Tiny(epochs: 3));
        Assert.Throws<TrainingInterruptedException>(() => d.Fit(TinyFit.Context(train, null, new TinyFit.SyncProgress<TrainingEpoch>(_ => cts.Cancel()), cts.Token)));
        Assert.Throws<InvalidOperationException>(() => d.Save(new ModelWriter(d.Method)));
    }

    [Fact]
    public void BadSizesAndAForeignTeacherAreUserErrors()
    {
        var size = Assert.Throws<InspectaUserException>(() => new StfpmDetector(Tiny() with { ImageSize = 72 }));
        Assert.Contains("multiple of 16", size.Message);

        // The package's graph is a ResNet-18 too, but not the layout the student mirrors (it runs to layer4, CNTK input).
        var (train, _) = TinyData.Category("flange", train: 2);
        string foreign = ResNet18Package.Locate().Model;
        using var d = new StfpmDetector(Tiny() with { Backbone = foreign });
        var ex = Assert.Throws<InspectaUserException>(() => d.Fit(TinyFit.Context(train)));
        Assert.StartsWith(foreign, ex.Message);
        Assert.Contains("not the built-in ResNet-18 layout", ex.Message);
    }
}
