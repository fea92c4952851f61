using Inspecta.Features;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Nn;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Nn;

/// <summary>The TorchSharp ResNet-18 with imported weights computes what the built-in ONNX backbone computes.</summary>
public sealed class ResNet18ImportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(64, 96)]   // multiples of 32: sampled like torchvision
    [InlineData(65, 97)]   // odd sizes (the backbone's own graph accepts 16k + 1): the export's asymmetric stem padding decides the border rows
    public void StageOutputsEqualTheOnnxBackbone(int height, int width)
    {
        string onnx = TestBackbones.ResNet18;
        var rng = new Random(5);
        var input = new float[2 * 3 * height * width];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 4 - 2);   // ImageNet-normalised range

        using var session = new InferenceSession(onnx);
        var feed = new DenseTensor<float>(input, [2, 3, height, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(ResNet18Derivation.InputName, feed)]);

        using var net = ResNet18Import.Load(onnx);
        using var _ = no_grad();
        using var x = tensor(input, [2, 3, height, width]);
        var stages = net.forward(x);
        string[] names = ["layer1", "layer2", "layer3"];
        for (int s = 0; s < 3; s++)
        {
            var expected = results.First(r => r.Name == names[s]).AsTensor<float>();
            Assert.Equal(expected.Dimensions.ToArray().Select(d => (long)d), stages[s].shape);
            var actual = stages[s].contiguous().data<float>().ToArray();
            var want = expected.ToArray();
            double peak = want.Max(v => Math.Abs(v)), worst = 0;
            for (int i = 0; i < want.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - want[i]));
            output.WriteLine($"{names[s]} {height}×{width}: max |torch − onnx| = {worst:G3} = {worst / peak:G3} of the peak {peak:G3}");
            Assert.True(peak > 0.1, $"{names[s]}: the backbone's output is all but zero ({peak}); the comparison would prove nothing");
            Assert.True(worst <= 1e-4 * peak, $"{names[s]} at {height}×{width}: max |torch − onnx| = {worst:G3}, {worst / peak:G3} of the peak {peak:G3}");
        }
        foreach (var t in stages) t.Dispose();
    }

    [Fact]
    public void TeacherWeightsAreFrozenBuffersAndParametersAreTheBackbones()
    {
        using var net = ResNet18Import.Load(TestBackbones.ResNet18);
        Assert.True(net.HasInputAdapter);
        Assert.All(net.parameters(), p => Assert.False(p.requires_grad));
        // conv1's weights are the ImageNet filters, not a fresh initialisation: two loads agree bit for bit.
        using var again = ResNet18Import.Load(TestBackbones.ResNet18);
        var a = net.state_dict(); var b = again.state_dict();
        foreach (var (name, t) in a) Assert.True((t == b[name]).all().item<bool>(), name);
    }

    [Fact]
    public void AnotherNetworkIsAUserErrorNamingTheFile()
    {
        using var tmp = new TempDir();
        // The package's own graph: a ResNet-18 too, but with layer4 and the CNTK input, not the derived backbone.
        string package = ResNet18Package.Locate().Model;
        var ex = Assert.Throws<InspectaUserException>(() => ResNet18Import.Load(package));
        Assert.StartsWith(package, ex.Message);
        Assert.Contains("not the built-in ResNet-18 layout", ex.Message);

        string junk = tmp["junk.onnx"];
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5]);
        var bad = Assert.Throws<InspectaUserException>(() => ResNet18Import.Load(junk));
        Assert.StartsWith(junk, bad.Message);
    }
}
