namespace Inspecta.Persistence;

/// <summary>What a user supplies when loading a model beyond the file itself.</summary>
/// <param name="Backbone">
/// A backbone file or preset to use instead of the recorded one (a model moved to another machine); it must have the
/// SHA-256 the model was fitted with.
/// </param>
public sealed record ModelLoadOptions(string? Backbone = null)
{
    public static ModelLoadOptions Default { get; } = new();
}
