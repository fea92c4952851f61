using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Methods.StudentTeacher;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>Uninformed Students at tiny sizes: dense evaluation, determinism, reload, the score's parts and bad input.</summary>
public class StudentTeacherTests
{
    private static StudentTeacherOptions Tiny(int epochs = 1, int[]? scales = null, bool resume = false) => new()
    {
        ImageSize = 40, Scales = scales ?? [17, 33], Students = 2, Width = 4, DescriptorDim = 8, Epochs = epochs, SamplesPerEpoch = 2, BatchSize = 1,
        TeacherEpochs = 2, TeacherSamplesPerEpoch = 32, TeacherBatchSize = 16, TeacherData = TeacherDataChoice.Train, Seed = 5, Resume = resume,
        Backbone = TestBackbones.ResNet18, LearningRate = 1e-3,
    };

    [Theory]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(65)]
    public void DenseEvaluationEqualsThePatchNetworkAtEveryPatch(int p)
    {
        torch.manual_seed(p);
        using var net = new PatchNetwork(new PatchNetworkLayout(p, 4, 6));
        net.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int h = p + 7, w = p + 5;
        var x = randn(1, 3, h, w);
        var dense = net.forward(x);
        int extent = net.Layout.Extent;
        Assert.True(extent <= p);
        Assert.Equal(new long[] { 1, 6, h - extent + 1, w - extent + 1 }, dense.shape);
        // Every patch of the image through the strided network, compared with the dense output at its corner.
        int rows = (int)dense.shape[2], cols = (int)dense.shape[3];
        var patches = new List<Tensor>();
        for (int y = 0; y < rows; y++)
            for (int xx = 0; xx < cols; xx++)
                patches.Add(x[.., .., y..(y + extent), xx..(xx + extent)]);
        var strided = net.Patches(cat(patches, 0));                  // (rows·cols)×6
        var expected = strided.t().reshape(1, 6, rows, cols);
        double diff = (dense - expected).abs().max().item<float>();
        double peak = expected.abs().max().item<float>();
        Assert.True(diff <= 1e-5 * Math.Max(1, peak), $"max |dense − patch| = {diff} (peak {peak})");
        // Dense() pads by reflection so the map has the input's size.
        Assert.Equal(new long[] { 1, 6, h, w }, net.Dense(x).shape);
    }

    [Fact]
    public void CompactnessIsZeroForDecorrelatedDescriptorsAndLargeForCorrelatedOnes()
    {
        using var scope = NewDisposeScope();
        // Columns ±1 patterns of a 4×4 Hadamard matrix: zero mean, orthogonal.
        var h = tensor(new float[] { 1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, 1 }, [4, 4])[.., 1..];
        Assert.True(TeacherPretrainingTask.Compactness(h).item<float>() < 1e-5);
        var same = cat([h[.., ..1], h[.., ..1], h[.., ..1]], 1);      // three identical columns: C = all ones
        Assert.Equal(6, TeacherPretrainingTask.Compactness(same).item<float>(), 3);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalModelsAndAReloadPredictsBitIdentically()
    {
        var (train, test) = TinyData.Category("flange", train: 4, size: 48);
        using var a = new StudentTeacherDetector(Tiny());
        using var b = new StudentTeacherDetector(Tiny());
        var history = new List<TrainingEpoch>();
        a.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(history.Add)));
        b.Fit(TinyFit.Context(train));
        Assert.Equal(TrainedWeights.Of(a, "p"), TrainedWeights.Of(b, "p"));
        // Per scale: teacher distillation, then the students.
        Assert.Equal(["teacher-p17", "teacher-p17", "students-p17", "teacher-p33", "teacher-p33", "students-p33"], history.Select(e => e.Phase));
        Assert.All(history, e => Assert.True(double.IsFinite(e.Loss) && e.ValidationLoss is >= 0));

        using var dir = new TempDir();
        new TrainedModel(a, null, null).Save(dir["m.inspecta"]);
        using var model = TrainedModel.Load(dir["m.inspecta"]);
        foreach (var s in test.Take(3))
        {
            var p = a.Predict(s);
            var q = model.Detector.Predict(s);
            Assert.Equal((48, 48), (p.Map!.Height, p.Map.Width));
            Assert.Equal(p.Map.Data, q.Map!.Data);
            Assert.Equal(p.Score, q.Score);
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v)));
        }
        var reader = ModelReader.Open(dir["m.inspecta"]);
        foreach (string key in new[] { "p17/teacher/convs.0.weight", "p33/student1/convs.3.weight", "p17/descriptor_mean", "p33/calibration" })
            Assert.True(reader.HasArray(key), key);
    }

    [Fact]
    public void TheNormalisedMapIsCentredOnTheValidationImages()
    {
        // By construction (eq. 5.11) ẽ and ṽ have mean 0 and deviation 1 over the validation pixels: at one scale, on
        // the validation images the map's mean is ≈ 0, and the error term alone is standardised.
        var (train, _) = TinyData.Category("tiles", train: 6, size: 40);
        var validation = train.TakeLast(2).Select(s => s with { Split = Split.Validation }).ToList();
        using var d = new StudentTeacherDetector(Tiny(scales: [17]));
        d.Fit(new FitContext(train.Take(4).ToList()) { Validation = validation, Threads = 1 });
        double sum = 0;
        long n = 0;
        foreach (var s in validation)
            foreach (float v in d.Predict(s).Map!.Data) { sum += v; n++; }
        Assert.InRange(sum / n, -0.05, 0.05);
    }

    [Fact]
    public void AResumedFitEqualsAnUninterruptedOne()
    {
        var (train, _) = TinyData.Category("flange", train: 3, size: 40);
        using var dir = new TempDir();
        string ckpt = dir["m.inspecta.checkpoint"];
        using var whole = new StudentTeacherDetector(Tiny(epochs: 2, scales: [17]));
        whole.Fit(TinyFit.Context(train));
        using var cts = new CancellationTokenSource();
        using (var first = new StudentTeacherDetector(Tiny(epochs: 2, scales: [17])))
        {
            // Interrupted after the first student epoch (the teacher phase is complete).
            var sink = new TinyFit.SyncProgress<TrainingEpoch>(e => { if (e.Phase.StartsWith("students", StringComparison.Ordinal)) cts.Cancel(); });
            Assert.Throws<TrainingInterruptedException>(() => first.Fit(TinyFit.Context(train, ckpt, sink, cts.Token)));
            Assert.Throws<InvalidOperationException>(() => first.Save(new ModelWriter(first.Method)));
        }
        using var resumed = new StudentTeacherDetector(Tiny(epochs: 2, scales: [17], resume: true));
        resumed.Fit(TinyFit.Context(train, ckpt));
        Assert.Equal(TrainedWeights.Of(whole, "p"), TrainedWeights.Of(resumed, "p"));
    }

    [Fact]
    public void TeachersOfAnotherModelAreReusedAndAMismatchIsAUserErrorNamingTheFile()
    {
        var (train, test) = TinyData.Category("flange", train: 3, size: 40);
        using var dir = new TempDir();
        using (var first = new StudentTeacherDetector(Tiny(scales: [17])))
        {
            first.Fit(TinyFit.Context(train));
            new TrainedModel(first, null, null).Save(dir["t.inspecta"]);
        }
        using var reuse = new StudentTeacherDetector(Tiny(scales: [17]) with { Teachers = dir["t.inspecta"], Seed = 9 });
        var phases = new List<string>();
        reuse.Fit(TinyFit.Context(train, epochs: new TinyFit.SyncProgress<TrainingEpoch>(e => phases.Add(e.Phase))));
        Assert.Equal(["students-p17"], phases);                         // no distillation
        var original = ModelReader.Open(dir["t.inspecta"]).ReadFloats("p17/teacher/convs.0.weight");
        Assert.Equal(original, TrainedWeights.Of(reuse, "p17/teacher/convs.0.weight"));
        Assert.True(float.IsFinite(reuse.Predict(test[0]).Score));

        using var wider = new StudentTeacherDetector(Tiny(scales: [17]) with { Teachers = dir["t.inspecta"], Width = 8 });
        var ex = Assert.Throws<InspectaUserException>(() => wider.Fit(TinyFit.Context(train)));
        Assert.StartsWith(dir["t.inspecta"], ex.Message);
        Assert.Contains("do not match the students' architecture", ex.Message);
        using var otherScale = new StudentTeacherDetector(Tiny(scales: [33]) with { Teachers = dir["t.inspecta"] });
        ex = Assert.Throws<InspectaUserException>(() => otherScale.Fit(TinyFit.Context(train)));
        Assert.Contains("no teacher for it", ex.Message);
    }

    [Fact]
    public void ImagesSmallerThanTheLargestReceptiveFieldAreAUserErrorNamingTheImage()
    {
        using var dir = new TempDir();
        var small = new ImageF(3, 30, 60);
        string path = dir["small.png"];
        ImageIO.WritePng(path, small);
        var (train, _) = TinyData.Category("flange", train: 3, size: 40);
        using var d = new StudentTeacherDetector(Tiny(scales: [17, 33]));
        var ex = Assert.Throws<InspectaUserException>(() => d.Fit(TinyFit.Context([.. train, Sample.ForImage(path)])));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains("smaller than the largest receptive field 33", ex.Message);
        var opt = Assert.Throws<InspectaUserException>(() => new StudentTeacherDetector(Tiny() with { ImageSize = 32, Scales = [65] }));
        Assert.Contains("--image-size 32 is smaller than the largest receptive field 65", opt.Message);
        opt = Assert.Throws<InspectaUserException>(() => new StudentTeacherDetector(Tiny() with { Scales = [16] }));
        Assert.Contains("16 is not a receptive field", opt.Message);
    }
}
