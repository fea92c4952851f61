using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.ReverseDistillation;

/// <summary>
/// The one-class bottleneck embedding (OCBE) of Reverse Distillation for a ResNet-18 encoder: multi-scale feature fusion
/// (layer1 through two strided 3×3 convs, layer2 through one, both to layer3's 256 channels at stride 16, concatenated
/// with layer3: 768 channels), then one-class embedding by two residual blocks down to 512 channels at stride 32 (the
/// ResNet's own layer4 shape, so the reverse decoder mirrors it).
/// </summary>
public sealed class OneClassBottleneck : nn.Module<Tensor[], Tensor>
{
    private readonly Sequential fuse1, fuse2;
    private readonly Sequential embed;

    public OneClassBottleneck() : base("bottleneck")
    {
        fuse1 = nn.Sequential(("conv1", Conv(64, 128)), ("bn1", HeldBatchNorm.TwoD(128)), ("relu1", nn.ReLU()),
                              ("conv2", Conv(128, 256)), ("bn2", HeldBatchNorm.TwoD(256)), ("relu2", nn.ReLU()));
        fuse2 = nn.Sequential(("conv", Conv(128, 256)), ("bn", HeldBatchNorm.TwoD(256)), ("relu", nn.ReLU()));
        embed = nn.Sequential(("0", new ResNet18.BasicBlock(768, 512, 2)), ("1", new ResNet18.BasicBlock(512, 512, 1)));
        RegisterComponents();
    }

    private static Conv2d Conv(int input, int output) => nn.Conv2d(input, output, 3, stride: 2, padding: 1, bias: false);

    /// <summary>The encoder's layer1–3 → the N×512×(S/32)×(S/32) embedding.</summary>
    public override Tensor forward(Tensor[] f) => embed.forward(cat([fuse1.forward(f[0]), fuse2.forward(f[1]), f[2]], 1));
}
