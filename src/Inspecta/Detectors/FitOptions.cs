namespace Inspecta.Detectors;

/// <summary>
/// Options a user can give to <c>inspecta fit</c>. Each method reads the ones it understands and
/// ignores the rest; null means "the method's default".
/// </summary>
public sealed record FitOptions
{
    public int Seed { get; init; }
    /// <summary>Square input size the method resizes to (e.g. 224); null = method default.</summary>
    public int? ImageSize { get; init; }
    /// <summary>Backbone path or preset name (resolved by the features layer).</summary>
    public string? Backbone { get; init; }
    public IReadOnlyList<string>? Layers { get; init; }

    // Variation model (--method variation)
    /// <summary>Lower bound on the per-pixel standard deviation, in intensity units of [0, 1] images.</summary>
    public float? SigmaMin { get; init; }
    /// <summary>"max" (MVTec AD) or "mean" (MVTec LOCO AD) over colour channels.</summary>
    public string? ChannelFusion { get; init; }
    /// <summary>"none", "translation" or "rigid" registration to the first training image.</summary>
    public string? Alignment { get; init; }
}
