using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Nn;

/// <summary>
/// ResNet-18 up to its third stage (strides 4/8/16, 64/128/256 channels), laid out exactly as the built-in backbone's
/// CNTK export: convolutions without bias, each followed by its own BatchNorm, and the export's asymmetric padding on
/// every strided layer (the stem 7×7 pads 3 before and 2 after, the strided 3×3s and the max-pool 1 before and 0 after),
/// so weights imported with <see cref="ResNet18Import"/> reproduce the ONNX backbone's layer1–3 outputs. On even sizes
/// this samples like torchvision's ResNet-18. With <see cref="HasInputAdapter"/> the network takes ImageNet-normalised
/// RGB and first applies the backbone's own input transform (to BGR 0–255 minus the channel means); a student trained
/// from scratch takes the normalised RGB directly.
/// </summary>
public sealed class ResNet18 : nn.Module<Tensor, Tensor[]>
{
    /// <summary>Channels of layer1, layer2, layer3.</summary>
    public static IReadOnlyList<int> StageChannels { get; } = [64, 128, 256];
    /// <summary>Output strides of layer1, layer2, layer3.</summary>
    public static IReadOnlyList<int> StageStrides { get; } = [4, 8, 16];

    private readonly Conv2d conv1;
    private readonly HeldBatchNorm bn1;
    private readonly Sequential layer1, layer2, layer3;
    private readonly Tensor? input_scale, input_bias;

    public bool HasInputAdapter => input_scale is not null;

    public ResNet18(bool inputAdapter, string name = "resnet18") : base(name)
    {
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, bias: false);
        bn1 = HeldBatchNorm.TwoD(64);
        layer1 = Stage(64, 64, 1);
        layer2 = Stage(64, 128, 2);
        layer3 = Stage(128, 256, 2);
        if (inputAdapter)
        {
            // Buffers, filled by the import: part of the state, moved and saved with it, never trained.
            input_scale = zeros(1, 3, 1, 1);
            input_bias = zeros(1, 3, 1, 1);
        }
        RegisterComponents();
    }

    private static Sequential Stage(int input, int output, int stride) =>
        nn.Sequential(("0", new BasicBlock(input, output, stride)), ("1", new BasicBlock(output, output, 1)));

    /// <summary>The three stage outputs (after each stage's last ReLU).</summary>
    public override Tensor[] forward(Tensor x)
    {
        if (input_scale is not null) x = (x.flip(1) * input_scale).Plus(input_bias!);   // RGB → BGR, then scale and shift per channel
        x = nn.functional.relu(bn1.forward(conv1.forward(Pad(x, 3, 2))));
        // Padding with 0 instead of −∞ is exact here: the max-pool's input is a ReLU output (≥ 0) and every window holds a real value.
        x = nn.functional.max_pool2d(Pad(x, 1, 0), 3, 2);
        var l1 = layer1.forward(x);
        var l2 = layer2.forward(l1);
        var l3 = layer3.forward(l2);
        return [l1, l2, l3];
    }

    /// <summary>The export's padding: <paramref name="before"/> rows/columns at the top/left, <paramref name="after"/> at the bottom/right.</summary>
    internal static Tensor Pad(Tensor x, long before, long after) => nn.functional.pad(x, [before, after, before, after]);

    /// <summary>Convolutions with their BatchNorms in the export's node order (per block: the shortcut first, then conv1, conv2).</summary>
    internal IEnumerable<(string Name, Conv2d Conv, HeldBatchNorm Norm, int Stride, (int Before, int After) Pad)> Layers()
    {
        yield return ("conv1", conv1, bn1, 2, (3, 2));
        foreach (var (stageName, stage) in new[] { ("layer1", layer1), ("layer2", layer2), ("layer3", layer3) })
            foreach (var (blockName, module) in stage.named_children())
            {
                var block = (BasicBlock)module;
                foreach (var (n, c, b, s, p) in block.Layers()) yield return ($"{stageName}.{blockName}.{n}", c, b, s, p);
            }
    }

    /// <summary>Sets the input adapter (the backbone's per-channel scale and bias, BGR order).</summary>
    internal void SetInputTransform(ReadOnlySpan<float> scaleBgr, ReadOnlySpan<float> biasBgr)
    {
        if (input_scale is null) throw new InvalidOperationException("This network has no input adapter.");
        using var _ = no_grad();
        using var s = tensor(scaleBgr.ToArray(), [1, 3, 1, 1]);
        using var b = tensor(biasBgr.ToArray(), [1, 3, 1, 1]);
        input_scale.copy_(s);
        input_bias!.copy_(b);
    }

    /// <summary>A residual block: 3×3 conv (stride s) → BN → ReLU → 3×3 conv → BN, plus the shortcut (a strided 1×1 conv + BN when the shape changes), ReLU.</summary>
    internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1, conv2;
        private readonly HeldBatchNorm bn1, bn2;
        private readonly Sequential? downsample;
        private readonly int _stride;

        public BasicBlock(int input, int output, int stride) : base("block")
        {
            _stride = stride;
            conv1 = nn.Conv2d(input, output, 3, stride: stride, padding: stride == 1 ? 1 : 0, bias: false);
            bn1 = HeldBatchNorm.TwoD(output);
            conv2 = nn.Conv2d(output, output, 3, padding: 1, bias: false);
            bn2 = HeldBatchNorm.TwoD(output);
            if (stride != 1 || input != output)
                downsample = nn.Sequential(("0", nn.Conv2d(input, output, 1, stride: stride, bias: false)), ("1", HeldBatchNorm.TwoD(output)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = nn.functional.relu(bn1.forward(conv1.forward(_stride == 1 ? x : Pad(x, 1, 0))));
            y = bn2.forward(conv2.forward(y));
            return nn.functional.relu(y.Plus(downsample is null ? x : downsample.forward(x)));
        }

        internal IEnumerable<(string, Conv2d, HeldBatchNorm, int, (int, int))> Layers()
        {
            if (downsample is not null)
                yield return ("downsample", (Conv2d)downsample.children().First(), (HeldBatchNorm)downsample.children().Last(), _stride, (0, 0));
            yield return ("conv1", conv1, bn1, _stride, _stride == 1 ? (1, 1) : (1, 0));
            yield return ("conv2", conv2, bn2, 1, (1, 1));
        }
    }
}
