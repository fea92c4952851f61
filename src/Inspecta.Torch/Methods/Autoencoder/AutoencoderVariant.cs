namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>Which reconstruction baseline: loss and anomaly map of the L2-AE or SSIM-AE, or the VAE.</summary>
public enum AutoencoderVariant { L2, Ssim, Vae }

public static class AutoencoderVariants
{
    public const string L2Method = "ae-l2", SsimMethod = "ae-ssim", VaeMethod = "vae";

    public static string MethodId(this AutoencoderVariant v) => v switch
    {
        AutoencoderVariant.L2 => L2Method,
        AutoencoderVariant.Ssim => SsimMethod,
        _ => VaeMethod,
    };

    public static AutoencoderVariant FromMethod(string method) => method switch
    {
        L2Method => AutoencoderVariant.L2,
        SsimMethod => AutoencoderVariant.Ssim,
        VaeMethod => AutoencoderVariant.Vae,
        _ => throw new ArgumentException($"Not an autoencoder method: {method}.", nameof(method)),
    };
}
