using Inspecta.Torch.Imaging;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>
/// Hyper-parameters of the L2-AE, SSIM-AE and VAE. Defaults follow the thesis's MVTec AD configuration (Ch. 4): 128×128
/// whole images for objects, latent 128, SSIM window 11, Adam 2·10⁻⁴ with weight decay 10⁻⁵, batch 128, 10 000 augmented
/// samples per epoch, 100 epochs. For textures set <see cref="ImageSize"/> 256 and <see cref="CropSize"/> 128: training
/// draws random 128² patches and prediction averages patch maps at stride 64.
/// </summary>
public sealed record AutoencoderOptions
{
    public AutoencoderVariant Variant { get; init; } = AutoencoderVariant.Ssim;
    /// <summary>Working resolution: every image is zoomed to this square first.</summary>
    public int ImageSize { get; init; } = 128;
    /// <summary>Network input (patch) size; null = the whole working image.</summary>
    public int? CropSize { get; init; }
    /// <summary>Patch stride at prediction when <see cref="CropSize"/> is smaller than the image; null = half the crop.</summary>
    public int? Stride { get; init; }
    public int Latent { get; init; } = 128;
    /// <summary>Convert to grayscale first; null = only for the SSIM-AE (SSIM is defined on one channel, thesis L1011).</summary>
    public bool? Grayscale { get; init; }
    public int SsimWindow { get; init; } = Ssim.DefaultWindow;
    /// <summary>SSIM stabilisers c1, c2: the standard (0.01)², (0.03)², or the thesis's printed 0.01, 0.03 (<see cref="Ssim.ThesisC1"/>).</summary>
    public (double C1, double C2) SsimConstants { get; init; } = (Ssim.C1, Ssim.C2);
    /// <summary>Objects: flips, ±3°, ±5 % shift and light jitter (the thesis's augmentation); plain crops for textures.</summary>
    public Augmentation? Augmentation { get; init; }
    public TrainingOptions Training { get; init; } = new();
    /// <summary>Receives every finished epoch (the CLI's live bar, the JSON loss history).</summary>
    public IProgress<TrainingEpoch>? EpochProgress { get; init; }

    public int EffectiveCrop => CropSize ?? ImageSize;
    public int EffectiveStride => Stride ?? Math.Max(1, EffectiveCrop / 2);
    public bool EffectiveGrayscale => Grayscale ?? Variant == AutoencoderVariant.Ssim;
    public Augmentation EffectiveAugmentation => Augmentation ?? (EffectiveCrop < ImageSize
        ? Inspecta.Torch.Training.Augmentation.None
        : Inspecta.Torch.Training.Augmentation.Thesis with { MaxTranslation = 0.05 });

    public void Validate()
    {
        string m = Variant.MethodId();
        if (ImageSize is < 32 or > 4096) throw new InspectaUserException($"{m}: --image-size must be between 32 and 4096, got {ImageSize}.");
        if (!AutoencoderArchitecture.IsSupportedSize(EffectiveCrop))
            throw new InspectaUserException($"{m}: the network input (--crop-size, else --image-size) must be a power of two from 32 to 1024, got {EffectiveCrop}.");
        if (EffectiveCrop > ImageSize) throw new InspectaUserException($"{m}: --crop-size {EffectiveCrop} is larger than --image-size {ImageSize}.");
        if (EffectiveStride < 1 || EffectiveStride > EffectiveCrop) throw new InspectaUserException($"{m}: --stride must be between 1 and the crop size {EffectiveCrop}, got {EffectiveStride}.");
        if (Latent is < 1 or > 4096) throw new InspectaUserException($"{m}: --latent must be between 1 and 4096, got {Latent}.");
        if (SsimWindow < 3 || SsimWindow % 2 == 0 || SsimWindow > EffectiveCrop / 2)
            throw new InspectaUserException($"{m}: --ssim-window must be odd, at least 3 and at most half the crop size, got {SsimWindow}.");
        if (!(SsimConstants.C1 > 0) || !(SsimConstants.C2 > 0) || double.IsInfinity(SsimConstants.C1) || double.IsInfinity(SsimConstants.C2))
            throw new InspectaUserException($"{m}: the SSIM constants must be positive, got {SsimConstants.C1}, {SsimConstants.C2}.");
        Training.Validate(m);
    }
}
