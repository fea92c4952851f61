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
}
