using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.VariationModel;

/// <summary>Options of <c>--method variation</c>.</summary>
public sealed record VariationOptions : MethodOptions
{
    [Option("sigma-min", "Lower bound on the per-pixel standard deviation (intensities in [0, 1]).", Above = 0)]
    public float SigmaMin { get; init; } = VariationModelDetector.DefaultSigmaMin;

    [Option("channel-fusion", "Combine channel deviations by max (MVTec AD) or mean (MVTec LOCO AD).", Choices = ["max", "mean"])]
    public string ChannelFusion { get; init; } = "max";

    [Option("alignment", "Register images to the first training image first.", Choices = ["none", "translation", "rigid"])]
    public string Alignment { get; init; } = "none";

    [Option("illumination", "plane: divide out each image's gain and linear lighting gradient fitted against the mean.", Choices = ["none", "plane"])]
    public string Illumination { get; init; } = "none";

    [Option("image-size", "Resize every image (anti-aliased) to this square working size.", Min = 8, Max = 8192, DefaultText = "the images' own size")]
    public int? ImageSize { get; init; }
}
