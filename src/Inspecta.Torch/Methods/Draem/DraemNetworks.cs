using Inspecta.Torch.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Draem;

/// <summary>Two 3×3 convolutions, each followed by BatchNorm and ReLU: the unit both DRAEM sub-networks are built of.</summary>
internal static class DraemBlocks
{
    public static Sequential Double(int input, int output) => nn.Sequential(
        ("0", nn.Conv2d(input, output, 3, padding: 1)), ("1", HeldBatchNorm.TwoD(output)), ("2", nn.ReLU()),
        ("3", nn.Conv2d(output, output, 3, padding: 1)), ("4", HeldBatchNorm.TwoD(output)), ("5", nn.ReLU()));

    /// <summary>×2 bilinear upsampling, then a 3×3 convolution with BatchNorm and ReLU.</summary>
    public static Sequential Up(int input, int output) => nn.Sequential(
        ("0", nn.Upsample(scale_factor: [2, 2], mode: UpsampleMode.Bilinear, align_corners: true)),
        ("1", nn.Conv2d(input, output, 3, padding: 1)), ("2", HeldBatchNorm.TwoD(output)), ("3", nn.ReLU()));
}

/// <summary>
/// DRAEM's reconstructive sub-network: an encoder–decoder without skip connections (so an anomaly cannot be copied
/// through): five double-conv stages of width b, 2b, 4b, 8b, 8b with 2×2 max-pooling between (stride 16), mirrored by a
/// decoder of bilinear upsampling + conv stages, and a final 3×3 convolution to RGB.
/// </summary>
public sealed class ReconstructiveNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> encoder, ups, decoder;
    private readonly Conv2d output;

    public ReconstructiveNetwork(int width) : base("reconstructive")
    {
        int[] w = [width, 2 * width, 4 * width, 8 * width, 8 * width];
        encoder = nn.ModuleList<Sequential>();
        int input = 3;
        foreach (int c in w) { encoder.Add(DraemBlocks.Double(input, c)); input = c; }
        ups = nn.ModuleList<Sequential>();
        decoder = nn.ModuleList<Sequential>();
        for (int i = w.Length - 1; i > 0; i--)
        {
            ups.Add(DraemBlocks.Up(w[i], w[i]));
            decoder.Add(DraemBlocks.Double(w[i], w[i - 1]));
        }
        output = nn.Conv2d(width, 3, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < encoder.Count; i++) x = encoder[i].forward(i == 0 ? x : nn.functional.max_pool2d(x, 2));
        for (int i = 0; i < ups.Count; i++) x = decoder[i].forward(ups[i].forward(x));
        return output.forward(x);
    }
}

/// <summary>
/// DRAEM's discriminative sub-network: a U-Net on the image concatenated with its reconstruction (6 channels): six
/// double-conv stages of width b, 2b, 4b, 8b, 8b, 8b with max-pooling between (stride 32), a decoder that upsamples and
/// concatenates the encoder stage of the same size, and a final convolution to two logits (normal, anomalous) per pixel.
/// </summary>
public sealed class DiscriminativeNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> encoder, ups, decoder;
    private readonly Conv2d output;

    public DiscriminativeNetwork(int width) : base("discriminative")
    {
        int[] w = [width, 2 * width, 4 * width, 8 * width, 8 * width, 8 * width];
        encoder = nn.ModuleList<Sequential>();
        int input = 6;
        foreach (int c in w) { encoder.Add(DraemBlocks.Double(input, c)); input = c; }
        ups = nn.ModuleList<Sequential>();
        decoder = nn.ModuleList<Sequential>();
        for (int i = w.Length - 1; i > 0; i--)
        {
            ups.Add(DraemBlocks.Up(w[i], w[i - 1]));
            decoder.Add(DraemBlocks.Double(2 * w[i - 1], w[i - 1]));
        }
        output = nn.Conv2d(width, 2, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var skips = new Tensor[encoder.Count];
        for (int i = 0; i < encoder.Count; i++) x = skips[i] = encoder[i].forward(i == 0 ? x : nn.functional.max_pool2d(x, 2));
        for (int i = 0; i < ups.Count; i++) x = decoder[i].forward(cat([ups[i].forward(x), skips[encoder.Count - 2 - i]], 1));
        return output.forward(x);
    }
}
