using System.Text.Json.Nodes;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>
/// The convolutional autoencoder of the SSIM-AE paper (thesis Table 3.1), shared by the L2-AE, SSIM-AE and VAE:
/// strided 4×4 and 3×3 convolutions down to 8×8, an 8×8 convolution to the 1×1×d latent code, and a decoder that
/// mirrors the encoder with transposed convolutions. Leaky ReLU (slope 0.2) after every layer but the encoder's and
/// the decoder's last, which are linear. The table is for 128×128 inputs; for 256×256 one more stride-2 layer is
/// prepended (thesis Ch. 4), for 64 and 32 the first one or two are dropped, so the code always comes from 8×8.
/// The VAE's last encoder layer is duplicated (2·d outputs) to estimate the log-variance beside the mean.
/// </summary>
public sealed record AutoencoderArchitecture(int InputSize, int Channels, int Latent, bool Variational)
{
    public const double LeakySlope = 0.2;

    private static readonly ConvLayer[] Table128 =
    [
        new(4, 2, 1, 32), new(4, 2, 1, 32), new(3, 1, 1, 32), new(4, 2, 1, 64), new(3, 1, 1, 64),
        new(4, 2, 1, 128), new(3, 1, 1, 64), new(3, 1, 1, 32),
    ];

    public static bool IsSupportedSize(int size) => size is >= 32 and <= 1024 && (size & (size - 1)) == 0;

    /// <summary>The encoder's layers for this input size, the latent layer last.</summary>
    public IReadOnlyList<ConvLayer> EncoderLayers()
    {
        if (!IsSupportedSize(InputSize)) throw new InspectaUserException($"The autoencoder needs a power-of-two input size from 32 to 1024, got {InputSize}.");
        int down = (int)Math.Log2(InputSize / 8);
        var layers = new List<ConvLayer>();
        for (int i = 4; i < down; i++) layers.Add(new(4, 2, 1, 32));
        layers.AddRange(Table128.Skip(Math.Max(0, 4 - down)));
        layers.Add(new(8, 1, 0, Variational ? 2 * Latent : Latent));
        return layers;
    }

    public (nn.Module<Tensor, Tensor> Encoder, nn.Module<Tensor, Tensor> Decoder) Build()
    {
        var enc = EncoderLayers();
        var encoder = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inCh = Channels;
        for (int i = 0; i < enc.Count; i++)
        {
            var l = enc[i];
            encoder.Add(($"conv{i + 1}", nn.Conv2d(inCh, l.Channels, l.Kernel, l.Stride, l.Padding)));
            if (i < enc.Count - 1) encoder.Add(($"act{i + 1}", new LeakyRelu(LeakySlope)));
            inCh = l.Channels;
        }
        var decoder = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = enc.Count - 1; i >= 0; i--)
        {
            var l = enc[i];
            int input = i == enc.Count - 1 ? Latent : l.Channels;
            int output = i == 0 ? Channels : enc[i - 1].Channels;
            decoder.Add(($"deconv{enc.Count - i}", nn.ConvTranspose2d(input, output, l.Kernel, l.Stride, l.Padding)));
            if (i > 0) decoder.Add(($"act{enc.Count - i}", new LeakyRelu(LeakySlope)));
        }
        return (nn.Sequential(encoder), nn.Sequential(decoder));
    }

    /// <summary>
    /// Starts the decoder's output at the training images' mean intensity (its last bias). With the default
    /// initialisation the output starts near 0, where SSIM's luminance term (2μxμr + c1)/(μx² + μr² + c1) is ≈ c1/μx²
    /// and multiplies the structure term's gradient away: the SSIM-AE then barely moves for thousands of samples.
    /// </summary>
    public static void StartAtMean(nn.Module<Tensor, Tensor> decoder, float[] channelMeans)
    {
        var last = decoder.modules().OfType<TorchSharp.Modules.ConvTranspose2d>().Last();
        using var _ = no_grad();
        using var means = tensor(channelMeans);
        last.bias!.copy_(means);
    }

    public JsonObject ToJson() => new()
    {
        ["input_size"] = InputSize, ["channels"] = Channels, ["latent"] = Latent, ["variational"] = Variational,
        ["layers"] = new JsonArray([.. EncoderLayers().Select(l => (JsonNode)$"conv {l.Kernel}x{l.Kernel}/{l.Stride} pad {l.Padding} -> {l.Channels}")]),
    };

    public static AutoencoderArchitecture FromJson(JsonObject o) =>
        new(o["input_size"]!.GetValue<int>(), o["channels"]!.GetValue<int>(), o["latent"]!.GetValue<int>(), o["variational"]!.GetValue<bool>());
}
