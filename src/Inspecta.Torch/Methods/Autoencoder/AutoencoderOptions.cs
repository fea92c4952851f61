using Inspecta.Detectors.Options;
using Inspecta.Torch.Training;
using Aug = Inspecta.Torch.Training.Augmentation;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>
/// Options shared by the L2-AE, SSIM-AE and VAE. Defaults follow the thesis's MVTec AD configuration (Ch. 4): 128×128
/// whole images, latent 128, Adam 2·10⁻⁴ with weight decay 10⁻⁵, batch 128, 10 000 augmented samples per epoch, 100
/// epochs. For textures use --image-size 256 --crop-size 128: training draws random 128² patches and prediction
/// averages patch maps at stride 64.
/// </summary>
public abstract record AutoencoderOptions : TrainedMethodOptions
{
    [Option("image-size", "Working resolution: every image is zoomed to this square first.", Min = 32, Max = 4096)]
    public int ImageSize { get; init; } = 128;

    [Option("crop-size", "Network input (patch) size, a power of two from 32 to 1024; training draws random crops of it.", Min = 32, Max = 1024,
        DefaultText = "the whole working image")]
    public int? CropSize { get; init; }

    [Option("stride", "Patch stride at prediction when --crop-size is smaller than the image.", Min = 1, DefaultText = "half the crop")]
    public int? Stride { get; init; }

    [Option("latent", "Size of the bottleneck code.", Min = 1, Max = 4096)]
    public int Latent { get; init; } = 128;

    [Option("color", "gray: convert to grayscale first; color: keep the images' own channels.", Choices = ["gray", "color"])]
    public string Color { get; init; } = "color";

    [Option("augmentation", "auto: flips, ±3°, ±5 % shift and light jitter for whole images (the thesis's), none for crops.", Choices = ["auto", "none", "thesis"])]
    public string Augmentation { get; init; } = "auto";

    /// <summary>Which loss and map; fixed by the options type (each method has its own record).</summary>
    public abstract AutoencoderVariant Variant { get; }

    internal int EffectiveCrop => CropSize ?? ImageSize;
    internal int EffectiveStride => Stride ?? Math.Max(1, EffectiveCrop / 2);
    internal bool Grayscale => Color == "gray";
    internal Aug EffectiveAugmentation => Augmentation switch
    {
        "none" => Aug.None,
        "thesis" => Aug.Thesis with { MaxTranslation = EffectiveCrop < ImageSize ? 0 : 0.05 },
        _ => EffectiveCrop < ImageSize ? Aug.None : Aug.Thesis with { MaxTranslation = 0.05 },
    };

    public override void Validate()
    {
        string m = Variant.MethodId();
        if (!AutoencoderArchitecture.IsSupportedSize(EffectiveCrop))
            throw new InspectaUserException($"{m}: the network input (--crop-size, else --image-size) must be a power of two from 32 to 1024, got {EffectiveCrop}.");
        if (EffectiveCrop > ImageSize) throw new InspectaUserException($"{m}: --crop-size {EffectiveCrop} is larger than --image-size {ImageSize}.");
        if (EffectiveStride > EffectiveCrop) throw new InspectaUserException($"{m}: --stride must be at most the crop size {EffectiveCrop}, got {EffectiveStride}.");
    }
}

/// <summary>Options of <c>--method ae-l2</c>.</summary>
public sealed record L2AutoencoderOptions : AutoencoderOptions
{
    public override AutoencoderVariant Variant => AutoencoderVariant.L2;
}

/// <summary>Options of <c>--method vae</c>.</summary>
public sealed record VaeOptions : AutoencoderOptions
{
    public override AutoencoderVariant Variant => AutoencoderVariant.Vae;
}
