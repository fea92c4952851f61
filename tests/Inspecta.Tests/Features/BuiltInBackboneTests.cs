using System.Security.Cryptography;
using Google.Protobuf;
using Inspecta.Detectors;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Inspecta.Tests.Features;

public class BuiltInBackboneTests
{
    private static readonly ResNet18Package.Files Package = ResNet18Package.Locate();

    /// <summary>A deterministic picture with structure at every scale (a random field would barely excite the deep layers).</summary>
    private static ImageF Picture(int h, int w)
    {
        var img = new ImageF(3, h, w);
        var rng = new Random(7);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    img.Data[(c * h + y) * w + x] = Math.Clamp(0.5f + 0.3f * MathF.Sin(x * (0.05f + 0.03f * c)) * MathF.Cos(y * 0.07f)
                                                               + ((x / 16 + y / 16) % 2 == 0 ? 0.15f : -0.15f) + 0.05f * (float)rng.NextDouble(), 0f, 1f);
        return img;
    }

    /// <summary>The package's graph with the stage tensors added as outputs: the reference the derived graph must match.</summary>
    private static byte[] OriginalWithStageOutputs()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Package.Model));
        foreach (var (original, _) in ResNet18Derivation.Stages)
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = original,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        return model.ToByteArray();
    }

    /// <summary>Channel means of the package's mean image, computed here independently of the derivation.</summary>
    private static float[] MeanImageChannelMeansBgr(out float[] meanImage)
    {
        var mean = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Package.Preprocess)).Graph.Initializer.Single(t => t.Name == "MeanImage");
        meanImage = [.. mean.FloatData];
        int plane = meanImage.Length / 3;
        var image = meanImage;
        return [.. Enumerable.Range(0, 3).Select(c => (float)image.Skip(c * plane).Take(plane).Average(v => (double)v))];
    }

    private static float[][] Run(InferenceSession session, string input, float[] data, int[] shape, string[] outputs)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(data, shape.Select(d => (long)d).ToArray());
        using var options = new RunOptions();
        using var results = session.Run(options, [input], [value], outputs);
        return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
    }

    [Fact]
    public void DerivedLayersEqualTheOriginalGraphsStageTensorsOnTheSameInput()
    {
        string derived = TestBackbones.ResNet18;
        var picture = Picture(224, 224);
        var means = MeanImageChannelMeansBgr(out _);
        // What the package's network expects: BGR, 0-255, minus the channel means.
        int plane = 224 * 224;
        var bgr = new float[3 * plane];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) bgr[c * plane + i] = picture.Data[(2 - c) * plane + i] * 255f - means[c];

        using var original = new InferenceSession(OriginalWithStageOutputs());
        var expected = Run(original, original.InputMetadata.Keys.Single(), bgr, [1, 3, 224, 224], [.. ResNet18Derivation.Stages.Select(s => s.Original)]);
        using var backbone = OnnxBackbone.Open(derived);
        var actual = backbone.Extract(Normalization.ImageNet(picture), ["layer1", "layer2", "layer3"]);

        int[] channels = [64, 128, 256], sides = [56, 28, 14];
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal((1, channels[s], sides[s], sides[s]), (actual[s].Batch, actual[s].Channels, actual[s].Height, actual[s].Width));
            Assert.Equal(expected[s].Length, actual[s].Data.Length);
            float scale = expected[s].Max();
            Assert.True(scale > 0.5f, $"stage {s + 1} is almost silent ({scale}); the test picture does not exercise it");
            double worst = expected[s].Zip(actual[s].Data, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1e-3 * scale, $"layer{s + 1}: max |difference| {worst} vs max value {scale}");
        }
    }

    [Fact]
    public void PerChannelMeansStandInForThePackagesMeanImageWithSmallDifferences()
    {
        // The package's own chain subtracts a 224×224 mean image; the derived graph subtracts its channel averages
        // (a graph of any input size cannot subtract a fixed-size image). The features stay nearly the same.
        var picture = Picture(224, 224);
        MeanImageChannelMeansBgr(out var meanImage);
        int plane = 224 * 224;
        var chainInput = new float[3 * plane];
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) chainInput[c * plane + i] = picture.Data[(2 - c) * plane + i] * 255f - meanImage[c * plane + i];
        using var original = new InferenceSession(OriginalWithStageOutputs());
        var chain = Run(original, original.InputMetadata.Keys.Single(), chainInput, [1, 3, 224, 224], ["ReLU347_Output_0"])[0];
        using var backbone = OnnxBackbone.Open(TestBackbones.ResNet18);
        var derived = backbone.Extract(Normalization.ImageNet(picture), ["layer3"])[0].Data;
        double dot = 0, a2 = 0, b2 = 0;
        for (int i = 0; i < chain.Length; i++) { dot += chain[i] * derived[i]; a2 += chain[i] * chain[i]; b2 += derived[i] * derived[i]; }
        double cosine = dot / Math.Sqrt(a2 * b2);
        Assert.InRange(cosine, 0.98, 0.99999);   // close, and not identical: the mean image really differs from its averages
    }

    [Fact]
    public void OtherSizesAndBatchesRun()
    {
        using var backbone = OnnxBackbone.Open(TestBackbones.ResNet18);
        Assert.Equal("resnet18", backbone.Info.Name);
        Assert.Equal([("layer1", 4, 64), ("layer2", 8, 128), ("layer3", 16, 256)], backbone.Info.Outputs.Select(o => (o.Name, o.Stride, o.Channels)));
        var a = Normalization.ImageNet(Picture(256, 320));
        var b = Normalization.ImageNet(Picture(256, 320));
        b.Data.AsSpan().Reverse();
        var maps = backbone.Extract([a, b], ["layer1", "layer2", "layer3"]);
        Assert.Equal([(2, 64, 64, 80), (2, 128, 32, 40), (2, 256, 16, 20)], maps.Select(m => (m.Batch, m.Channels, m.Height, m.Width)));
        var single = backbone.Extract(a, ["layer3"])[0];
        Assert.Equal(single.Data, maps[2].Item(0).ToArray());
    }

    [Fact]
    public void DerivationIsDeterministicAndRecordedInTheSidecar()
    {
        using var one = new TempDir();
        using var two = new TempDir();
        var (p1, sha1) = BuiltInBackbone.Ensure(one.Path);
        var (p2, sha2) = BuiltInBackbone.Ensure(two.Path);
        Assert.Equal(sha1, sha2);
        Assert.Equal(File.ReadAllBytes(p1), File.ReadAllBytes(p2));
        Assert.Equal(sha1, ModelCache.Sha256Of(TestBackbones.ResNet18));
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(one[BuiltInBackbone.SidecarFileName]))!;
        Assert.Equal(sha1, record["sha256"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Package.Model))), record["source_sha256"]!.GetValue<string>());
        Assert.Equal(ResNet18Package.Version, record["package_version"]!.GetValue<string>());
        Assert.True(new FileInfo(p1).Length < new FileInfo(Package.Model).Length / 2, "stage 4 was not cut off");
        Assert.Equal([".resnet18.lock", "resnet18.onnx", "resnet18.onnx.json"], Directory.GetFiles(one.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));   // no temp file left
    }

    [Fact]
    public void ACorruptedOrEditedCachedFileIsDetectedAndDerivedAgain()
    {
        using var cache = new TempDir();
        var (path, sha) = BuiltInBackbone.Ensure(cache.Path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var notices = new List<string>();
        void Collect(string m) { if (m.Contains(cache.Path)) lock (notices) notices.Add(m); }
        BuiltInBackbone.Notice += Collect;
        try
        {
            var (again, shaAgain) = BuiltInBackbone.Ensure(cache.Path);
            Assert.Equal((path, sha), (again, shaAgain));
            Assert.Equal(sha, ModelCache.Sha256Of(path));
            Assert.Contains(notices, n => n.Contains("corrupted or edited"));
            notices.Clear();
            BuiltInBackbone.Ensure(cache.Path);
            Assert.Empty(notices);   // intact now: used as it is, silently
        }
        finally { BuiltInBackbone.Notice -= Collect; }
    }

    [Fact]
    public void AHandPlacedFileIsMovedAsideAndTwoConcurrentDerivationsAgree()
    {
        using var cache = new TempDir();
        File.WriteAllText(cache["resnet18.onnx"], "a torchvision export from long ago");
        var results = new (string Path, string Sha256)[2];
        Parallel.For(0, 2, i => results[i] = BuiltInBackbone.Ensure(cache.Path));
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0].Sha256, ModelCache.Sha256Of(results[0].Path));
        Assert.Equal("a torchvision export from long ago", File.ReadAllText(cache["resnet18.onnx.previous"]));
        Assert.Equal((results[0].Path, "resnet18"), ModelCache.Resolve("resnet18", cache.Path));
    }

    [Fact]
    public void AMissingPackageIsAUserErrorNamingThePackageAndTheWayOut()
    {
        using var cache = new TempDir();
        using var empty = new TempDir();
        var ex = Assert.Throws<InspectaUserException>(() => BuiltInBackbone.Ensure(cache.Path, [empty.Path, ResNet18Package.PackageToolsFolder(empty.Path)]));
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1", ex.Message);
        Assert.Contains("dotnet restore", ex.Message);
        Assert.Contains("--backbone", ex.Message);
        Assert.DoesNotContain(Directory.GetFiles(cache.Path), f => f.EndsWith(".onnx", StringComparison.Ordinal));
    }
}

public class BuiltInBackboneModelTests
{
    [Fact]
    public void AModelWhoseRecordedCopyWasDamagedReloadsFromTheCacheAndPredictsBitIdentically()
    {
        using var tmp = new TempDir();
        var (path, _) = BuiltInBackbone.Ensure(tmp["cache"]);
        var train = Inspecta.Tests.Detectors.PadimFormTests.Synthetic(3, 5, 64);
        using var detector = new Inspecta.Detectors.PatchCore.PatchCoreDetector(new Inspecta.Detectors.PatchCore.PatchCoreOptions { Backbone = path, ImageSize = 64, CoresetRatio = 0.5 });
        detector.Fit(train);
        new Inspecta.Detectors.TrainedModel(detector, null, null).Save(tmp["m.inspecta"]);
        var before = detector.Predict(train[0]);
        File.WriteAllBytes(path, [.. File.ReadAllBytes(path), 1]);   // the recorded copy is edited
        using var back = Inspecta.Detectors.TrainedModel.Load(tmp["m.inspecta"]);
        var after = back.Detector.Predict(train[0]);
        Assert.Equal(BitConverter.SingleToInt32Bits(before.Score), BitConverter.SingleToInt32Bits(after.Score));
        Assert.Equal(before.Map!.Data, after.Map!.Data);
    }
}
