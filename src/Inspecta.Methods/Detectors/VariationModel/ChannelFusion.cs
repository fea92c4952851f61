namespace Inspecta.Detectors.VariationModel;

/// <summary>How per-channel deviations combine into one pixel score: the MVTec AD benchmark takes the
/// maximum, the MVTec LOCO AD benchmark the mean.</summary>
public enum ChannelFusion { Max, Mean }

public static class ChannelFusions
{
    public static ChannelFusion Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "max" => ChannelFusion.Max,
        "mean" or "average" => ChannelFusion.Mean,
        _ => throw new InspectaUserException($"Unknown channel fusion '{text}'. Use max or mean."),
    };

    public static string Name(this ChannelFusion fusion) => fusion.ToString().ToLowerInvariant();
}
