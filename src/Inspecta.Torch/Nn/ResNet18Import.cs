using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Builds a <see cref="ResNet18"/> whose weights are the initializers of the built-in backbone's ONNX file (the
/// derivation of the NuGet package's CNTK ResNet-18; see docs/backbones.md). Read with the ONNX protobuf classes only —
/// no inference session. The graph is checked, not trusted: its 15 convolutions in node order must have ResNet-18's
/// shapes, strides and the export's padding, each feed one BatchNormalization (ε = 10⁻⁵), and its input transform must
/// be the derivation's (RGB→BGR gather, per-channel scale and bias). Any other file is a user error naming it, so a
/// teacher never silently differs from the student architecture it is paired with.
/// </summary>
public static class ResNet18Import
{
    /// <summary>The derivation's input-transform constants (see <c>ResNet18Derivation</c>).</summary>
    private const string ScaleName = "bgr_scale", BiasName = "bgr_bias";

    public static ResNet18 Load(string onnxPath)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)); }
        catch (InvalidProtocolBufferException ex) { throw InspectaUserException.ForFile(onnxPath, $"not an ONNX model ({ex.Message}).", ex); }
        catch (IOException ex) { throw InspectaUserException.ForFile(onnxPath, $"cannot be read ({ex.Message}).", ex); }
        var graph = model.Graph;
        var init = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        var convs = graph.Node.Where(n => n.OpType == "Conv").ToList();

        var net = new ResNet18(inputAdapter: true, "teacher");
        try
        {
            var layers = net.Layers().ToList();
            if (convs.Count != layers.Count)
                throw Mismatch(onnxPath, $"it has {convs.Count} convolutions; ResNet-18 up to layer3 has {layers.Count} (the built-in backbone is derived to end there)");
            using var _ = no_grad();
            for (int i = 0; i < layers.Count; i++)
            {
                var (name, conv, norm, stride, pad) = layers[i];
                var node = convs[i];
                string at = $"convolution {i + 1} ('{node.Name}', the network's {name})";
                long[] shape = conv.weight!.shape;
                if (node.Input.Count != 2) throw Mismatch(onnxPath, $"{at} has a bias input; the layout has none (BatchNorm follows)");
                var w = Initializer(init, node.Input[1], onnxPath, at);
                if (!w.Dims.SequenceEqual(shape)) throw Mismatch(onnxPath, $"{at} has weights [{string.Join('×', w.Dims)}], ResNet-18 needs [{string.Join('×', shape)}]");
                Expect(Ints(node, "strides", [1, 1]), [stride, stride], onnxPath, at, "strides");
                Expect(Ints(node, "pads", [0, 0, 0, 0]), [pad.Before, pad.Before, pad.After, pad.After], onnxPath, at, "pads");
                Expect(Ints(node, "dilations", [1, 1]), [1, 1], onnxPath, at, "dilations");
                Expect([Int(node, "group", 1)], [1], onnxPath, at, "group");
                var bn = consumers[node.Output[0]].ToList();
                if (bn is not [{ OpType: "BatchNormalization" } b] || b.Input.Count != 5)
                    throw Mismatch(onnxPath, $"{at} does not feed exactly one BatchNormalization");
                float eps = b.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
                if (Math.Abs(eps - 1e-5) > 1e-9) throw Mismatch(onnxPath, $"the BatchNormalization after {at} has ε = {eps}, the layout has 10⁻⁵");
                Copy(conv.weight!, w);
                Copy(norm.weight!, Initializer(init, b.Input[1], onnxPath, at));
                Copy(norm.bias!, Initializer(init, b.Input[2], onnxPath, at));
                Copy(norm.running_mean!, Initializer(init, b.Input[3], onnxPath, at));
                Copy(norm.running_var!, Initializer(init, b.Input[4], onnxPath, at));
            }
            if (!graph.Node.Any(n => n.OpType == "Gather" && n.Input.Count == 2 && init.TryGetValue(n.Input[1], out var order) && order.Int64Data.SequenceEqual([2L, 1, 0])))
                throw Mismatch(onnxPath, "it has no RGB→BGR input gather (the built-in backbone's input transform)");
            var scale = Floats(Initializer(init, ScaleName, onnxPath, "the input transform"));
            var bias = Floats(Initializer(init, BiasName, onnxPath, "the input transform"));
            if (scale.Length != 3 || bias.Length != 3) throw Mismatch(onnxPath, "its input transform is not per channel (3 values)");
            net.SetInputTransform(scale, bias);
            foreach (var p in net.parameters()) p.requires_grad_(false);
            net.eval();
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    private static InspectaUserException Mismatch(string path, string what) =>
        InspectaUserException.ForFile(path, $"not the built-in ResNet-18 layout a teacher needs: {what}. Use the built-in backbone (--backbone resnet18).");

    private static TensorProto Initializer(Dictionary<string, TensorProto> init, string name, string path, string at) =>
        init.TryGetValue(name, out var t) && t.DataType == (int)TensorProto.Types.DataType.Float
            ? t : throw Mismatch(path, $"{at} reads '{name}', which is not a float initializer");

    private static void Copy(Tensor target, TensorProto source)
    {
        var values = Floats(source);
        if (values.Length != target.numel()) throw new InvalidOperationException($"{source.Name}: {values.Length} values for {target.numel()}.");
        using var src = tensor(values, target.shape);
        target.copy_(src);
    }

    private static float[] Floats(TensorProto t) =>
        t.FloatData.Count > 0 ? [.. t.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();

    private static long[] Ints(NodeProto node, string name, long[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : fallback;

    private static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static void Expect(long[] actual, long[] expected, string path, string at, string what)
    {
        if (!actual.SequenceEqual(expected))
            throw Mismatch(path, $"{at} has {what} [{string.Join(',', actual)}], the layout has [{string.Join(',', expected)}]");
    }
}
