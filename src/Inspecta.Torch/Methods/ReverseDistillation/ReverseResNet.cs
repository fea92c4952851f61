using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.ReverseDistillation;

/// <summary>
/// The student decoder of Reverse Distillation: ResNet-18's stages in reverse. Three stages of two residual blocks each
/// double the resolution and halve the channels (512 → 256 → 128 → 64, strides 32 → 16 → 8 → 4); the first block of a
/// stage upsamples with 2×2 transposed convolutions (stride 2) on both its main path and its shortcut. Returns the
/// restored features in the encoder's order (layer1, layer2, layer3 shapes).
/// </summary>
public sealed class ReverseResNet : nn.Module<Tensor, Tensor[]>
{
    private readonly Sequential stage3, stage2, stage1;

    public ReverseResNet() : base("decoder")
    {
        stage3 = Stage(512, 256);
        stage2 = Stage(256, 128);
        stage1 = Stage(128, 64);
        RegisterComponents();
    }

    private static Sequential Stage(int input, int output) =>
        nn.Sequential(("0", new UpBlock(input, output, upsample: true)), ("1", new UpBlock(output, output, upsample: false)));

    public override Tensor[] forward(Tensor embedding)
    {
        var d3 = stage3.forward(embedding);
        var d2 = stage2.forward(d3);
        var d1 = stage1.forward(d2);
        return [d1, d2, d3];
    }

    /// <summary>A residual block that optionally doubles the resolution (transposed 2×2 conv on the main path and the shortcut).</summary>
    private sealed class UpBlock : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv1;
        private readonly Conv2d conv2;
        private readonly HeldBatchNorm bn1, bn2;
        private readonly Sequential? upsample;

        public UpBlock(int input, int output, bool upsample) : base("up_block")
        {
            conv1 = upsample ? nn.ConvTranspose2d(input, output, 2, stride: 2, bias: false) : nn.Conv2d(input, output, 3, padding: 1, bias: false);
            bn1 = HeldBatchNorm.TwoD(output);
            conv2 = nn.Conv2d(output, output, 3, padding: 1, bias: false);
            bn2 = HeldBatchNorm.TwoD(output);
            if (upsample || input != output)
                this.upsample = nn.Sequential(("0", nn.ConvTranspose2d(input, output, 2, stride: 2, bias: false)), ("1", HeldBatchNorm.TwoD(output)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
            y = bn2.forward(conv2.forward(y));
            return nn.functional.relu(y.Plus(upsample is null ? x : upsample.forward(x)));
        }
    }
}
