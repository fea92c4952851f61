using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// The autoencoder of EfficientAD (Table 7 of the paper): six convolutions encode the whole S×S image into a 64-d
/// code (five 4×4 stride-2 convs, then one of kernel S/32 to 1×1); the decoder grows it back by bilinear resizing, each
/// resize followed by a 4×4 conv (padding 2), ReLU and dropout 0.2, to the PDN's output size, then a 3×3 conv and a
/// 3×3 conv to the teacher's 384 channels. The paper's resize sizes (3, 8, 15, 32, 63, 127 for 256² input) are scaled
/// with the working size. It must reproduce the teacher's descriptors from the global code: logical anomalies (a
/// missing or misplaced part) that each patch on its own looks normal in are reconstructed as the normal image.
/// </summary>
public sealed class EfficientAdAutoencoder : nn.Module<Tensor, Tensor>
{
    private static readonly int[] PaperSizes = [3, 8, 15, 32, 63, 127];

    private readonly Sequential encoder;
    private readonly ModuleList<Conv2d> upConvs;
    private readonly Dropout dropout;
    private readonly Conv2d conv7, conv8;
    private readonly int[] _sizes;
    private readonly int _output;

    public EfficientAdAutoencoder(int size, int outputChannels) : base("autoencoder")
    {
        encoder = nn.Sequential(
            ("conv1", nn.Conv2d(3, 32, 4, stride: 2, padding: 1)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(32, 32, 4, stride: 2, padding: 1)), ("relu2", nn.ReLU()),
            ("conv3", nn.Conv2d(32, 64, 4, stride: 2, padding: 1)), ("relu3", nn.ReLU()),
            ("conv4", nn.Conv2d(64, 64, 4, stride: 2, padding: 1)), ("relu4", nn.ReLU()),
            ("conv5", nn.Conv2d(64, 64, 4, stride: 2, padding: 1)), ("relu5", nn.ReLU()),
            ("conv6", nn.Conv2d(64, 64, size / 32)));
        upConvs = nn.ModuleList([.. PaperSizes.Select(_ => nn.Conv2d(64, 64, 4, padding: 2))]);
        dropout = nn.Dropout(0.2);
        conv7 = nn.Conv2d(64, 64, 3, padding: 1);
        conv8 = nn.Conv2d(64, outputChannels, 3, padding: 1);
        _sizes = [.. PaperSizes.Select(s => Math.Max(2, (int)Math.Round(s * size / 256.0)))];
        _output = PatchDescriptionNetwork.OutputSize(size);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = encoder.forward(x);
        for (int i = 0; i < _sizes.Length; i++)
        {
            y = nn.functional.interpolate(y, [_sizes[i], _sizes[i]], mode: InterpolationMode.Bilinear, align_corners: false);
            y = dropout.forward(nn.functional.relu(upConvs[i].forward(y)));
        }
        y = nn.functional.interpolate(y, [_output, _output], mode: InterpolationMode.Bilinear, align_corners: false);
        return conv8.forward(nn.functional.relu(conv7.forward(y)));
    }
}
