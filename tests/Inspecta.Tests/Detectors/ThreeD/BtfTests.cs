using Inspecta.Detectors.Registry;
using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Btf;
using Inspecta.Evaluation;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.ThreeD;

/// <summary>One synthetic MVTec 3D-AD-style category and a btf-fpfh model fitted on it, shared by the BTF tests.</summary>
public sealed class BtfFixture : IDisposable
{
    public SyntheticScanCategory Data { get; } = new(size: 128, train: 10, testGood: 5, perDefect: 2);
    public Category Category { get; }
    public BtfDetector Fpfh { get; }
    public IReadOnlyList<(Sample Sample, Prediction Prediction)> Predictions { get; }
    public EvaluationResult Result { get; }

    public BtfFixture()
    {
        Category = Data.Read();
        var sw = Stopwatch.StartNew();
        Fpfh = new BtfDetector(BtfFeatures.Fpfh, new BtfOptions { ImageSize = 128 });
        Fpfh.Fit(Category.Train);
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        Predictions = Category.Test.Select(s => (s, Fpfh.Predict(s))).ToList();
        double predict = sw.Elapsed.TotalMilliseconds / Predictions.Count;
        Result = MetricsEvaluator.Evaluate(
            Predictions.Select(p => new EvaluatedImage(p.Sample.Label, p.Sample.Id, p.Prediction.Score, p.Prediction.Map!, p.Sample.LoadGroundTruth())).ToList(),
            new EvaluationOptions { Category = SyntheticScanCategory.ObjectName });
        Console.WriteLine($"[btf-fpfh synthetic] image AUROC {Result.ImageAuroc:F4}, pixel AUROC {Result.PixelAuroc:F4}, AU-PRO@0.3 {Result.AuProAtDefaultLimit:F4}; " +
                          $"fit {fit:F1} s ({Category.Train.Count} scans), predict {predict:F0} ms/scan (load {File.ReadAllText("/proc/loadavg").Trim()})");
    }

    public void Dispose() => Data.Dispose();
}

public class BtfTests(BtfFixture fx) : IClassFixture<BtfFixture>
{
    [Fact]
    public void BtfFpfhMeetsTheSyntheticGate()
    {
        Assert.True(fx.Result.ImageAuroc >= 0.9, $"image AUROC {fx.Result.ImageAuroc}");
        Assert.True(fx.Result.AuProAtDefaultLimit >= 0.8, $"AU-PRO@0.3 {fx.Result.AuProAtDefaultLimit}");
    }

    [Fact]
    public void MapsCoverEveryPixelOfTheScanIncludingInvalidOnes()
    {
        var (s, p) = fx.Predictions[0];
        var scan = Mvtec3dXyz.Read(s.GeometryPath!);
        Assert.Equal((scan.Height, scan.Width), (p.Map!.Height, p.Map.Width));
        Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v) && v >= 0));
        Assert.Contains(Enumerable.Range(0, scan.PixelCount), i => !scan.IsValid(i));
        // 10 % coreset of 16×16 patches per scan.
        Assert.Equal((int)Math.Round(fx.Category.Train.Count * 256 * 0.1), fx.Fpfh.Bank!.Count);
    }

    [Fact]
    public void ModelFileReloadsBitIdentically()
    {
        using var tmp = new TempDir();
        new TrainedModel(fx.Fpfh, null, null).Save(tmp["m.inspecta"]);
        using var back = TrainedModel.Load(tmp["m.inspecta"]);
        Assert.Equal(BtfDetector.FpfhId, back.Detector.Method);
        var (s, a) = fx.Predictions[^1];
        var b = back.Detector.Predict(s);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Score), BitConverter.SingleToInt32Bits(b.Score));
        Assert.Equal(a.Map!.Data, b.Map!.Data);
    }

    [Fact]
    public void BtfRawFitsOnRawXyzAndReloadsBitIdentically()
    {
        using var tmp = new TempDir();
        var raw = MethodRegistry.Default.Get(BtfDetector.RawId).Create(new BtfOptions { ImageSize = 64, CoresetRatio = 0.5 });
        raw.Fit(fx.Category.Train);
        new TrainedModel(raw, null, null).Save(tmp["raw.inspecta"]);
        using var back = TrainedModel.Load(tmp["raw.inspecta"]);
        var s = fx.Category.Test[^1];
        var a = raw.Predict(s);
        var b = back.Detector.Predict(s);
        Assert.Equal(a.Map!.Data, b.Map!.Data);
        Assert.Equal(3, ((BtfDetector)back.Detector).Bank!.Dimension);
    }

    [Fact]
    public void SamplesWithoutScansAndBadOptionsAreUserErrors()
    {
        var d = new BtfDetector(BtfFeatures.Fpfh, new BtfOptions());
        var rgbOnly = new Sample("x", "/nowhere/x.png", Split.Train, Sample.GoodLabel);
        Assert.Contains("xyz", Assert.Throws<InspectaUserException>(() => d.Fit([rgbOnly])).Message);
        Assert.Throws<InspectaUserException>(() => d.Fit([]));
        Assert.Throws<InspectaUserException>(() => new BtfDetector(BtfFeatures.Raw, new BtfOptions { CoresetRatio = 1.5 }));
        Assert.Throws<InspectaUserException>(() => new BtfDetector(BtfFeatures.Raw, new BtfOptions { ImageSize = 8 }));
    }

    [Fact]
    public void BtfFpfhRgbConcatenatesRgbAndFpfhAndReloadsBitIdentically()
    {
        using var tmp = new TempDir();
        var d = MethodRegistry.Default.Get(BtfDetector.FpfhRgbId).Create(new BtfRgbOptions
        {
            Backbone = TestBackbones.ResNet18, ImageSize = 64, Layers = ["layer1", "layer2"], CoresetRatio = 0.5,
        });
        d.Fit(fx.Category.Train.Take(4).ToList());
        Assert.Equal(1024 + 33, ((BtfDetector)d).Bank!.Dimension);
        new TrainedModel(d, null, null).Save(tmp["rgb.inspecta"]);
        using var back = TrainedModel.Load(tmp["rgb.inspecta"]);
        var s = fx.Category.Test[^1];
        var a = d.Predict(s);
        var b = back.Detector.Predict(s);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Score), BitConverter.SingleToInt32Bits(b.Score));
        Assert.Equal(a.Map!.Data, b.Map!.Data);
        Assert.Equal((128, 128), (b.Map.Height, b.Map.Width));
        (d as IDisposable)?.Dispose();
    }
}
