using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.EfficientAd;
using Inspecta.Torch.Methods.Stfpm;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>EfficientAD-S at 64² on a synthetic object category, the teacher distilled from the built-in backbone.</summary>
public class EfficientAdTests
{
    private static readonly string[] Trained = ["teacher/", "student/", "autoencoder/"];

    private static EfficientAdOptions Tiny(int epochs = 2, int teacherEpochs = 2, bool resume = false) => new()
    {
        ImageSize = 64, Epochs = epochs, TeacherEpochs = teacherEpochs, BatchSize = 4, SamplesPerEpoch = 8, Seed = 3, Resume = resume,
        LearningRate = 1e-3, Backbone = TestBackbones.ResNet18,
    };

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 5);
        using var a = new EfficientAdDetector(Tiny());
        using var b = new EfficientAdDetector(Tiny());
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, Trained), TrainedWeights.Of(b, Trained));
        Assert.Equal(["teacher", "teacher", "student", "student"], history.Select(h => h.Phase));
        Assert.All(history, h => Assert.True(double.IsFinite(h.Loss) && h.ValidationLoss is > 0));

        using var dir = new TempDir();
        foreach (var p in TrainedChecks.ReloadPredictsBitIdentically(a, test.Take(3), dir["m.inspecta"]))
        {
            Assert.Equal((64, 64), (p.Map!.Height, p.Map.Width));
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v)));
        }
        var reader = ModelReader.Open(dir["m.inspecta"]);
        Assert.All(reader.Manifest["arrays"]!.AsObject(),
            kv => Assert.True(Trained.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)) || kv.Key is "teacher_mean" or "teacher_std", kv.Key));
        Assert.Equal(Inspecta.Features.ModelCache.Sha256Of(TestBackbones.ResNet18), reader.Parameters["backbone"]!["sha256"]!.GetValue<string>());
        var q90 = reader.Parameters["map_quantiles"]!["student_q90"]!.GetValue<double>();
        Assert.True(q90 < reader.Parameters["map_quantiles"]!["student_q995"]!.GetValue<double>());
    }

    [Fact]
    public void TheTeacherLearnsTheBackboneAndTheStudentTheTeacher()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        var epochs = new List<TrainingEpoch>();
        using var d = new EfficientAdDetector(Tiny(epochs: 5, teacherEpochs: 5) with { SamplesPerEpoch = 16, TeacherLearningRate = 3e-4 });
        d.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        var teacher = epochs.Where(e => e.Phase == "teacher").ToList();
        var student = epochs.Where(e => e.Phase == "student").ToList();
        string Losses(IEnumerable<TrainingEpoch> h) => string.Join(", ", h.Select(e => $"{e.Loss:F3}/{e.ValidationLoss:F3}"));
        // Standardised targets: an untrained PDN's error is ≈ 1 per element and falls as it learns the backbone; judged
        // on the validation images (no jitter, the same images every epoch).
        Assert.True(teacher[^1].ValidationLoss < 0.9 * teacher[0].ValidationLoss, Losses(teacher));
        Assert.True(student[^1].ValidationLoss < 0.8 * student[0].ValidationLoss, Losses(student) + " after teacher " + Losses(teacher));
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 4);
        using var dir = new TempDir();
        string ckpt = dir["m.inspecta.checkpoint"];
        using var whole = new EfficientAdDetector(Tiny(epochs: 2));
        whole.Fit(TinyFit.Context(train));
        using (var first = new EfficientAdDetector(Tiny(epochs: 1))) first.Fit(TinyFit.Context(train, ckpt));
        Assert.True(File.Exists(ckpt + ".student"));
        using var resumed = new EfficientAdDetector(Tiny(epochs: 2, resume: true));
        resumed.Fit(TinyFit.Context(train, ckpt));
        Assert.Equal(TrainedWeights.Of(whole, Trained), TrainedWeights.Of(resumed, Trained));
    }

    [Fact]
    public void CancellationLeavesNoModel()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var cts = new CancellationTokenSource();
        using var d = new EfficientAdDetector(Tiny());
        Assert.Throws<TrainingInterruptedException>(() => d.Fit(TinyFit.Context(train, null, new TinyFit.SyncProgress<TrainingEpoch>(_ => cts.Cancel()), cts.Token)));
        Assert.Throws<InvalidOperationException>(() => d.Save(new ModelWriter(d.Method)));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(80)]
    public void AWorkingSizeBelowTheReceptiveFieldOrOffTheGridIsAUserError(int size)
    {
        var e = Assert.Throws<InspectaUserException>(() => new EfficientAdDetector(Tiny() with { ImageSize = size }));
        Assert.Contains("multiple of 32 and at least 64", e.Message);
        Assert.Contains("receptive field is 33 px", e.Message);
    }

    [Fact]
    public void ImagesSmallerThanTheReceptiveFieldAreZoomedToTheWorkingSize()
    {
        // 24×24 images (smaller than the PDN's 33-px patch) are fitted and predicted at the 64² working size, maps at their own size.
        var (train, test) = TinyData.Category("flange", train: 3, size: 24);
        using var d = new EfficientAdDetector(Tiny(epochs: 1, teacherEpochs: 1));
        d.Fit(TinyFit.Context(train));
        var p = d.Predict(test[0]);
        Assert.Equal((24, 24), (p.Map!.Height, p.Map.Width));
        Assert.True(float.IsFinite(p.Score));
    }

    [Fact]
    public void AReusedTeacherIsTheEarlierModelsAndSkipsDistillation()
    {
        var (train, _) = TinyData.Category("flange", train: 3);
        using var dir = new TempDir();
        using (var first = new EfficientAdDetector(Tiny(epochs: 1, teacherEpochs: 1)))
        {
            first.Fit(TinyFit.Context(train));
            new TrainedModel(first, null, null).Save(dir["first.inspecta"]);
        }
        var epochs = new List<TrainingEpoch>();
        using var second = new EfficientAdDetector(Tiny(epochs: 1) with { Teacher = dir["first.inspecta"], Seed = 9 });
        second.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(epochs.Add)));
        Assert.Equal(["student"], epochs.Select(e => e.Phase));
        using var first2 = TrainedModel.Load(dir["first.inspecta"]);
        Assert.Equal(TrainedWeights.Of(first2.Detector, "teacher/"), TrainedWeights.Of(second, "teacher/"));
    }

    [Fact]
    public void ATeacherFileThatDoesNotMatchTheStudentIsAUserErrorNamingTheFile()
    {
        var (train, _) = TinyData.Category("flange", train: 2);
        using var dir = new TempDir();
        // A model of another method: no PDN teacher at all.
        using (var stfpm = new StfpmDetector(new StfpmOptions { ImageSize = 32, Epochs = 1, SamplesPerEpoch = 2, BatchSize = 2, Backbone = TestBackbones.ResNet18 }))
        {
            stfpm.Fit(TinyFit.Context(train));
            new TrainedModel(stfpm, null, null).Save(dir["stfpm.inspecta"]);
        }
        var e = Assert.Throws<InspectaUserException>(() => new EfficientAdDetector(Tiny() with { Teacher = dir["stfpm.inspecta"] }).Fit(TinyFit.Context(train)));
        Assert.StartsWith(dir["stfpm.inspecta"], e.Message);
        Assert.Contains("this is a stfpm model", e.Message);

        // An efficientad file whose teacher is a PDN of another width (256 output channels, not 384).
        var w = new ModelWriter(EfficientAdMethod.MethodId);
        using (var wide = new PatchDescriptionNetwork(256, "teacher")) ModuleWeights.Save(wide, "teacher", w);
        w.WriteTo(dir["other.inspecta"]);
        e = Assert.Throws<InspectaUserException>(() => new EfficientAdDetector(Tiny() with { Teacher = dir["other.inspecta"] }).Fit(TinyFit.Context(train)));
        Assert.StartsWith(dir["other.inspecta"], e.Message);
        Assert.Contains("does not match the student's architecture", e.Message);

        e = Assert.Throws<InspectaUserException>(() => new EfficientAdDetector(Tiny() with { Teacher = dir["missing.inspecta"] }).Fit(TinyFit.Context(train)));
        Assert.StartsWith(dir["missing.inspecta"], e.Message);
    }

    [Fact]
    public void QuantilesInterpolateLinearlyAsNumpy()
    {
        float[] sorted = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(9.0, MapQuantiles.Quantile(sorted, 0.9), 6);
        Assert.Equal(9.95, MapQuantiles.Quantile(sorted, 0.995), 6);
        Assert.Equal(10.0, MapQuantiles.Quantile(sorted, 1.0), 6);
    }
}
