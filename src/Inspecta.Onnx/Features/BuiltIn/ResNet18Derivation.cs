using Google.Protobuf;
using Inspecta.Imaging;
using Onnx;

namespace Inspecta.Features;

/// <summary>
/// Turns the package's ResNet-18 graph (fixed 1×3×224×224 BGR 0–255 input, global-pooled 512-d output) into a
/// backbone like every other: ImageNet-normalised RGB in, dynamic batch and spatial size, the stage outputs
/// <c>layer1</c>/<c>layer2</c>/<c>layer3</c> (strides 4/8/16), cut after layer 3. Deterministic: the same source
/// bytes always give the same derived bytes, so the SHA-256 recorded in fitted models holds on every machine.
/// </summary>
public static class ResNet18Derivation
{
    /// <summary>Stage outputs of the CNTK graph (the ReLU after each stage's last residual add) and their new names.</summary>
    public static IReadOnlyList<(string Original, string Name)> Stages { get; } =
    [
        ("ReLU283_Output_0", "layer1"),
        ("ReLU315_Output_0", "layer2"),
        ("ReLU347_Output_0", "layer3"),
    ];

    public const string InputName = "input";

    /// <summary>Bumped whenever the derived graph changes, so cached files of an older derivation are re-derived.</summary>
    public const int Revision = 1;

    /// <summary>
    /// Per-channel means (B, G, R, 0–255) the network expects subtracted: the channel averages of the package's
    /// 224×224 mean image. The image itself varies within a channel (σ ≈ 3–6 levels), but a graph that takes any
    /// size cannot subtract a fixed-size image, so its per-channel average is what is folded in.
    /// </summary>
    public static float[] ChannelMeansBgr(ReadOnlySpan<byte> preprocessOnnx, string path)
    {
        var model = Parse(preprocessOnnx, path);
        var mean = model.Graph.Initializer.FirstOrDefault(t => t.Name == "MeanImage")
            ?? throw InspectaUserException.ForFile(path, "not the package's ResNet preprocessing graph (no 'MeanImage').");
        var values = FloatValues(mean);
        if (mean.Dims.Count != 4 || mean.Dims[0] != 1 || mean.Dims[1] != 3 || values.Length != mean.Dims.Aggregate(1L, (a, b) => a * b))
            throw InspectaUserException.ForFile(path, $"the mean image has shape [{string.Join(",", mean.Dims)}]; expected 1×3×H×W.");
        int plane = values.Length / 3;
        var means = new float[3];
        for (int c = 0; c < 3; c++)
        {
            double sum = 0;   // in order, in double: the same value on every machine
            foreach (float v in values.AsSpan(c * plane, plane)) sum += v;
            means[c] = (float)(sum / plane);
        }
        return means;
    }

    /// <summary>Derives the backbone graph; <paramref name="meansBgr"/> from <see cref="ChannelMeansBgr"/>.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> resnet18Onnx, string path, ReadOnlySpan<float> meansBgr, string provenance)
    {
        if (meansBgr.Length != 3) throw new ArgumentException("Three channel means (B, G, R) are needed.", nameof(meansBgr));
        var model = Parse(resnet18Onnx, path);
        var graph = model.Graph;
        if (graph.Input.Count != 1)
            throw InspectaUserException.ForFile(path, $"not the package's ResNet18 graph: {graph.Input.Count} inputs, expected 1.");
        string originalInput = graph.Input[0].Name;
        var producers = graph.Node.SelectMany(n => n.Output).ToHashSet();
        foreach (var (original, _) in Stages)
            if (!producers.Contains(original))
                throw InspectaUserException.ForFile(path, $"not the package's ResNet18 graph: it has no tensor '{original}'.");

        // Keep only the nodes layer 3 depends on (drops stage 4 and the pooling), in their original order.
        var needed = Stages.Select(s => s.Original).ToHashSet();
        var kept = new List<NodeProto>();
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Output.Any(needed.Contains)) continue;
            kept.Add(node);
            foreach (string i in node.Input) needed.Add(i);
        }
        kept.Reverse();

        var rename = Stages.ToDictionary(s => s.Original, s => s.Name);
        const string preprocessed = "preprocessed_bgr";
        rename[originalInput] = preprocessed;
        foreach (var node in kept)
        {
            for (int i = 0; i < node.Input.Count; i++) if (rename.TryGetValue(node.Input[i], out var n)) node.Input[i] = n;
            for (int i = 0; i < node.Output.Count; i++) if (rename.TryGetValue(node.Output[i], out var n)) node.Output[i] = n;
        }

        var initializers = graph.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        var (preNodes, preConstants) = Preprocessing(meansBgr, preprocessed);

        var derived = new GraphProto { Name = "inspecta_resnet18_l123", DocString = provenance };
        derived.Input.Add(Tensor(InputName, "N", "3", "H", "W"));
        derived.Node.AddRange(preNodes);
        derived.Node.AddRange(kept);
        derived.Initializer.AddRange(preConstants);
        derived.Initializer.AddRange(initializers);
        foreach (var (_, name) in Stages) derived.Output.Add(Tensor(name, "N", null, $"{name}_h", $"{name}_w"));

        model.Graph = derived;
        model.DocString = provenance;
        model.MetadataProps.Clear();
        model.MetadataProps.Add(new StringStringEntryProto { Key = "inspecta.derivation_revision", Value = Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "inspecta.input", Value = "RGB in [0,1], ImageNet mean/std normalised, N×3×H×W" });
        return model.ToByteArray();
    }

    /// <summary>
    /// The package's preprocessing folded in front: ImageNet-normalised RGB → RGB 0–255 → BGR → minus the channel means.
    /// Reordering first lets one multiply-add per channel do the rest: bgr_c·σ_c·255 + (μ_c·255 − m_c).
    /// </summary>
    private static (NodeProto[] Nodes, TensorProto[] Constants) Preprocessing(ReadOnlySpan<float> meansBgr, string output)
    {
        var mean = Normalization.ImageNetMean;
        var std = Normalization.ImageNetStd;
        int[] rgbIndexOfBgr = [2, 1, 0];
        var scale = new float[3];
        var bias = new float[3];
        for (int c = 0; c < 3; c++)
        {
            int k = rgbIndexOfBgr[c];
            scale[c] = (float)(std[k] * 255.0);
            bias[c] = (float)(mean[k] * 255.0 - meansBgr[c]);
        }
        var order = new TensorProto { Name = "rgb_to_bgr_indices", DataType = (int)TensorProto.Types.DataType.Int64 };
        order.Dims.Add(3);
        order.Int64Data.AddRange(rgbIndexOfBgr.Select(i => (long)i));
        var gather = new NodeProto { Name = "RgbToBgr", OpType = "Gather", Input = { InputName, order.Name }, Output = { "input_bgr" } };
        gather.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        var scaleT = Channels("bgr_scale", scale);
        var biasT = Channels("bgr_bias", bias);
        var mul = new NodeProto { Name = "Unnormalise", OpType = "Mul", Input = { "input_bgr", scaleT.Name }, Output = { "input_bgr_255" } };
        var add = new NodeProto { Name = "SubtractMean", OpType = "Add", Input = { "input_bgr_255", biasT.Name }, Output = { output } };
        return ([gather, mul, add], [order, scaleT, biasT]);
    }

    private static TensorProto Channels(string name, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange([1, 3, 1, 1]);
        t.FloatData.AddRange(values);
        return t;
    }

    /// <summary>A float tensor value with symbolic dims (null: unknown).</summary>
    private static ValueInfoProto Tensor(string name, params string?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (string? d in dims)
            shape.Dim.Add(d is null ? new TensorShapeProto.Types.Dimension()
                : long.TryParse(d, out long v) ? new TensorShapeProto.Types.Dimension { DimValue = v }
                : new TensorShapeProto.Types.Dimension { DimParam = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static float[] FloatValues(TensorProto t) =>
        t.FloatData.Count > 0 ? [.. t.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();

    private static ModelProto Parse(ReadOnlySpan<byte> bytes, string path)
    {
        try { return ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException ex) { throw InspectaUserException.ForFile(path, $"not an ONNX model ({ex.Message}).", ex); }
    }
}
