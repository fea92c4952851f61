using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Features;

public class OnnxBackboneTests
{
    private static string Model(string file) => Path.Combine(SharedData.ModelsDir, file);

    [SharedFact("models", "resnet50v2_imagenet_l123.onnx")]
    public void ProbeFindsResNetStagesWithStridesAndChannels()
    {
        using var backbone = OnnxBackbone.Open(Model("resnet50v2_imagenet_l123.onnx"));
        Assert.Equal("resnet50v2_imagenet_l123", backbone.Info.Name);
        Assert.Equal(64, backbone.Info.Sha256.Length);
        Assert.Equal(new FeatureOutput("layer1", 4, 256), backbone.Info.Output("layer1"));
        Assert.Equal(new FeatureOutput("layer2", 8, 512), backbone.Info.Output("layer2"));
        Assert.Equal(new FeatureOutput("layer3", 16, 1024), backbone.Info.Output("layer3"));
        var ex = Assert.Throws<InspectaUserException>(() => backbone.Info.Output("layer4"));
        Assert.Contains("layer1", ex.Message);
    }

    [SharedFact("models", "squeezenet1_1_imagenet_features.onnx")]
    public void BatchedExtractionEqualsSingleImagesAndIsDeterministic()
    {
        using var backbone = OnnxBackbone.Open(Model("squeezenet1_1_imagenet_features.onnx"));
        Assert.Equal(new FeatureOutput("fire3", 4, 128), backbone.Info.Output("fire3"));
        Assert.Equal(0, backbone.Info.Output("logits").Stride);
        var a = RandomImage(1); var b = RandomImage(2);
        var batch = backbone.Extract([a, b], ["fire5", "logits"]);
        Assert.Equal((2, 256, 27, 27), // SqueezeNet pools without padding
            (batch[0].Batch, batch[0].Channels, batch[0].Height, batch[0].Width));
        Assert.Equal((2, 1000, 1, 1), (batch[1].Batch, batch[1].Channels, batch[1].Height, batch[1].Width));
        var single = backbone.Extract(b, ["fire5", "logits"]);
        var again = backbone.Extract(b, ["fire5", "logits"]);
        Assert.Equal(single[0].Data, again[0].Data);
        for (int i = 0; i < single[1].ItemSize; i++)
            Assert.Equal(single[1].Data[i], batch[1].Item(1)[i], 3e-4f);
        Assert.NotEqual(batch[1].Item(0).ToArray(), batch[1].Item(1).ToArray());
    }

    [SharedFact("models", "squeezenet1_1_imagenet_features.onnx")]
    public void ChannelOrderMattersToTheLogits()
    {
        // A pure red and a pure blue image must not look alike to an ImageNet classifier: if the
        // preprocessing swapped channels, the two predictions would swap too.
        using var backbone = OnnxBackbone.Open(Model("squeezenet1_1_imagenet_features.onnx"));
        var red = Solid(1, 0, 0); var blue = Solid(0, 0, 1);
        var pre = Preprocessing.Default;
        var logits = backbone.Extract([pre.Apply(red), pre.Apply(blue)], ["logits"])[0];
        int argRed = ArgMax(logits.Item(0)), argBlue = ArgMax(logits.Item(1));
        Assert.NotEqual(argRed, argBlue);
    }

    [Fact]
    public void MissingBackboneSaysHowToGetOne()
    {
        using var tmp = new TempDir();
        var ex = Assert.Throws<InspectaUserException>(() => OnnxBackbone.Open("wide_resnet50_2", tmp.Path));
        Assert.Contains("inspecta models pull", ex.Message);
        Assert.Contains("--backbone", ex.Message);
        Assert.Contains(tmp.Path, ex.Message);
        ex = Assert.Throws<InspectaUserException>(() => OnnxBackbone.Open("no-such-model", tmp.Path));
        Assert.Contains("neither an existing file nor a known preset", ex.Message);
    }

    [Fact]
    public void CorruptOnnxFileIsAUserError()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["bad.onnx"], "not a model");
        var ex = Assert.Throws<InspectaUserException>(() => OnnxBackbone.Open(tmp["bad.onnx"]));
        Assert.Contains("bad.onnx", ex.Message);
    }

    [SharedFact("models", "resnet50v2_imagenet_l123.onnx")]
    public void PresetResolvesFromTheCacheFolder()
    {
        var (path, name) = ModelCache.Resolve("resnet50v2_imagenet_l123", SharedData.ModelsDir);
        Assert.Equal("resnet50v2_imagenet_l123", name);
        Assert.Equal(Model("resnet50v2_imagenet_l123.onnx"), path);
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static ImageF Solid(float r, float g, float b)
    {
        var img = new ImageF(3, 64, 64);
        img.Plane(0).Fill(r); img.Plane(1).Fill(g); img.Plane(2).Fill(b);
        return img;
    }

    internal static ImageF RandomImage(int seed, int size = 224)
    {
        var rng = new Random(seed);
        var img = new ImageF(3, size, size);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)(rng.NextDouble() * 4 - 2);
        return img;
    }
}
