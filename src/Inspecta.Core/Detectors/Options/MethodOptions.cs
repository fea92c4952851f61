namespace Inspecta.Detectors.Options;

/// <summary>
/// Base of every method's options record. Each method declares its own record in its folder; its properties carry
/// <see cref="OptionAttribute"/>, and <c>fit</c>'s command-line options, <c>--config</c> files and the manifest's
/// parameters are all generated from it (<see cref="OptionSchema"/>), so an option of another method is an error
/// rather than silently ignored.
/// </summary>
public abstract record MethodOptions
{
    [Option("seed", "Random seed (sampling, coreset start, channel subsets, weight initialisation, validation split).")]
    public int Seed { get; init; }

    /// <summary>The schema of this record's type (its declared options).</summary>
    public OptionSchema Schema() => OptionSchema.For(GetType());

    /// <summary>
    /// Resolves defaults that depend on the category (e.g. a larger working size on textures) for options the user left
    /// unset (null); the fit pipeline applies it before creating the detector and tells the user what changed.
    /// </summary>
    public virtual MethodOptions ForCategory(bool texture) => this;

    /// <summary>Checks that go beyond one option's range (the schema checks ranges and choices first);
    /// throw <see cref="InspectaUserException"/> naming the options.</summary>
    public virtual void Validate() { }
}
