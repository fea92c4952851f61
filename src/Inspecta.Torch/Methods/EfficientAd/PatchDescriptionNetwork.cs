using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// PDN-S, the patch description network of EfficientAD-S (Batzner et al., WACV 2024, Table 6): 4×4 conv 128 → ReLU →
/// 2×2 average pool (stride 2) → 4×4 conv 256 → ReLU → 2×2 average pool → 3×3 conv 256 → ReLU → 4×4 conv to the output
/// channels, no padding. Every output vector describes one 33×33 input patch; an S×S input gives (S/4 − 8)² vectors at
/// stride 4. The teacher outputs 384 channels, the student 768 (384 to match the teacher, 384 to match the autoencoder).
/// </summary>
public sealed class PatchDescriptionNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>The input patch each output vector sees.</summary>
    public const int ReceptiveField = 33;

    private readonly Conv2d conv1, conv2, conv3, conv4;
    private readonly AvgPool2d pool1, pool2;

    public PatchDescriptionNetwork(int outputChannels, string name) : base(name)
    {
        OutputChannels = outputChannels;
        conv1 = nn.Conv2d(3, 128, 4);
        conv2 = nn.Conv2d(128, 256, 4);
        conv3 = nn.Conv2d(256, 256, 3);
        conv4 = nn.Conv2d(256, outputChannels, 4);
        pool1 = nn.AvgPool2d(2, 2);
        pool2 = nn.AvgPool2d(2, 2);
        RegisterComponents();
    }

    public int OutputChannels { get; }

    /// <summary>Side of the output for an S×S input (S a multiple of 4).</summary>
    public static int OutputSize(int size) => size / 4 - 8;

    public override Tensor forward(Tensor x)
    {
        x = pool1.forward(nn.functional.relu(conv1.forward(x)));
        x = pool2.forward(nn.functional.relu(conv2.forward(x)));
        return conv4.forward(nn.functional.relu(conv3.forward(x)));
    }
}
