using Inspecta.Detectors.Components;
using Inspecta.Tests.Infrastructure;
using Inspecta.Detectors;
using Inspecta.Detectors.PatchCore;
using Inspecta.Detectors.Spade;

namespace Inspecta.Tests.Detectors;

/// <summary>Model files of the feature-based detectors: bit-identical reloads, pinned backbones, clear errors.</summary>
public class DeepModelFileTests
{
    private static string ResNet18 => TestBackbones.ResNet18;

    [Theory]
    [InlineData("patchcore")]
    [InlineData("spade")]
    [InlineData("padim")]
    public void TrainedModelReloadsBitIdentically(string method)
    {
        using var tmp = new TempDir();
        var train = PadimFormTests.Synthetic(8, 3);
        var validation = PadimFormTests.Synthetic(2, 4);
        var test = PadimFormTests.Synthetic(1, 11)[0];
        var detector = TestMethods.Create(method, ("backbone", ResNet18), ("image-size", 96), ("layers", new[] { "layer1", "layer2" }), ("coreset", 0.25), ("channels", 24), ("top-images", 3));
        using var model = ModelTrainer.Train(detector, train, validation, minDefectArea: 50);
        Assert.NotNull(model.Thresholds);
        Assert.Equal("max-area", model.Thresholds!.Estimator);
        Assert.Equal(8, model.Summary!.TrainImages);
        model.Save(tmp["m.inspecta"]);

        using var back = TrainedModel.Load(tmp["m.inspecta"]);
        Assert.Equal(method, back.Detector.Method);
        Assert.Equal(model.Thresholds, back.Thresholds);
        var a = model.Detector.Predict(test);
        var b = back.Detector.Predict(test);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Score), BitConverter.SingleToInt32Bits(b.Score));
        Assert.Equal(a.Map!.Data, b.Map!.Data);
        Assert.Equal((96, 96), (a.Map.Height, a.Map.Width));
        // The stored thresholds are what the reloaded model gives on the validation images: the image threshold their largest
        // score, and the pixel threshold leaves no 8-connected component of 50 px above it but one of 50 px at the next lower score.
        var maps = validation.Select(v => back.Detector.Predict(v)).ToList();
        Assert.Equal(maps.Max(p => p.Score), back.Thresholds!.Image);
        int LargestAbove(float t) => maps.Max(p =>
        {
            var mask = new Inspecta.Imaging.Mask(p.Map!.Height, p.Map.Width);
            for (int i = 0; i < mask.Data.Length; i++) mask.Data[i] = p.Map.Data[i] > t ? (byte)1 : (byte)0;
            var (labels, count) = Inspecta.Imaging.ConnectedComponents.Label(mask, Inspecta.Imaging.Connectivity.Eight);
            return Inspecta.Imaging.ConnectedComponents.LargestComponentSize(labels, count);
        });
        Assert.True(LargestAbove(back.Thresholds.Pixel) < 50, $"a component of {LargestAbove(back.Thresholds.Pixel)} px above the pixel threshold");
        float next = maps.SelectMany(p => p.Map!.Data).Where(x => x < back.Thresholds.Pixel).DefaultIfEmpty(float.NegativeInfinity).Max();
        if (float.IsFinite(next)) Assert.True(LargestAbove(next) >= 50, "the pixel threshold is not the smallest acceptable one");
    }

    [Fact]
    public void ABackboneWithADifferentHashIsRefused()
    {
        using var tmp = new TempDir();
        TestBackbones.Variant(tmp["net.onnx"]);
        using (var d = new PatchCoreDetector(new PatchCoreOptions { Backbone = tmp["net.onnx"], ImageSize = 64, CoresetRatio = 0.5 }))
        {
            d.Fit(PadimFormTests.Synthetic(2, 5, 64));
            new TrainedModel(d, null, null).Save(tmp["m.inspecta"]);
        }
        // Same file name, different bytes (a re-exported or corrupted backbone), and no other file with the recorded hash.
        TestBackbones.Variant(tmp["net.onnx"]);
        var ex = Assert.Throws<InspectaUserException>(() => TrainedModel.Load(tmp["m.inspecta"]));
        Assert.Contains("SHA-256", ex.Message);
        Assert.Contains("m.inspecta", ex.Message);
    }

    [Fact]
    public void EmptyTrainSetAndBadOptionsAreUserErrors()
    {
        Assert.Throws<InspectaUserException>(() => ModelTrainer.Train(new PatchCoreDetector(new PatchCoreOptions()), [], []));
        Assert.Throws<InspectaUserException>(() => new PatchCoreDetector(new PatchCoreOptions { CoresetRatio = 0 }));
        Assert.Throws<InspectaUserException>(() => new PatchCoreDetector(new PatchCoreOptions { NumNeighbours = 0 }));
        Assert.Throws<InspectaUserException>(() => new SpadeDetector(new SpadeOptions { TopImages = 0 }));
    }

    [Fact]
    public void CorruptImageIsAUserErrorNamingTheFile()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["broken.png"], "not a png");
        using var d = new PatchCoreDetector(new PatchCoreOptions { Backbone = ResNet18, ImageSize = 64 });
        var bad = new Inspecta.Datasets.Sample("broken", tmp["broken.png"], Inspecta.Datasets.Split.Train, "good");
        var ex = Assert.Throws<InspectaUserException>(() => d.Fit([.. PadimFormTests.Synthetic(1, 1, 64), bad]));
        Assert.Contains("broken.png", ex.Message);
    }
}
