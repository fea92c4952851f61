using Inspecta.Detectors.Options;
using Inspecta.Torch.Imaging;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>Options of <c>--method ae-ssim</c>: grayscale by default (SSIM is defined on one channel, thesis L1011).</summary>
public sealed record SsimAutoencoderOptions : AutoencoderOptions
{
    public SsimAutoencoderOptions() => Color = "gray";

    public override AutoencoderVariant Variant => AutoencoderVariant.Ssim;

    [Option("ssim-window", "SSIM window (odd, at most half the crop).", Min = 3, Max = 513)]
    public int SsimWindow { get; init; } = Ssim.DefaultWindow;

    [Option("ssim-constants", "SSIM stabilisers: standard (0.01², 0.03²) or the thesis's printed values (0.01, 0.03).", Choices = ["standard", "thesis"])]
    public string SsimConstants { get; init; } = "standard";

    internal (double C1, double C2) Constants => SsimConstants == "thesis" ? (Ssim.ThesisC1, Ssim.ThesisC2) : (Ssim.C1, Ssim.C2);

    public override void Validate()
    {
        base.Validate();
        if (SsimWindow % 2 == 0 || SsimWindow > EffectiveCrop / 2)
            throw new InspectaUserException($"ae-ssim: --ssim-window must be odd and at most half the crop size {EffectiveCrop}, got {SsimWindow}.");
    }
}
