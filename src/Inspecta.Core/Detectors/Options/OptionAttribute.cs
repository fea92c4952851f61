namespace Inspecta.Detectors.Options;

/// <summary>
/// Declares a property of a <see cref="MethodOptions"/> record as a user option: its command-line name, its help
/// text, its JSON key (in <c>--config</c> files and in the model manifest) and the range the value must lie in.
/// The property's initial value is the default.
/// </summary>
/// <param name="name">Command-line name without dashes, e.g. <c>coreset</c> for <c>--coreset</c>.</param>
/// <param name="help">One sentence for <c>--help</c>; the default is appended automatically.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class OptionAttribute(string name, string help) : Attribute
{
    public string Name { get; } = name;
    public string Help { get; } = help;

    /// <summary>JSON key; default: <see cref="Name"/> with '-' → '_'. Kept equal to the keys model files already use.</summary>
    public string? Key { get; init; }

    /// <summary>False for options whose effect the detector records in another form (backbone, preprocessing):
    /// they are accepted in <c>--config</c> files but not written to the manifest as plain values.</summary>
    public bool Persist { get; init; } = true;

    /// <summary>Inclusive lower bound for numbers (NaN = none).</summary>
    public double Min { get; init; } = double.NaN;
    /// <summary>Exclusive lower bound for numbers (NaN = none).</summary>
    public double Above { get; init; } = double.NaN;
    /// <summary>Inclusive upper bound for numbers (NaN = none).</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>For strings: the accepted values (compared case-insensitively, stored lower-case).</summary>
    public string[]? Choices { get; init; }

    /// <summary>How a text value is read, where the property type alone does not say it.</summary>
    public OptionFormat Format { get; init; }

    /// <summary>Help text for the default when the property's initial value (null) stands for a rule, e.g. "224; 512 on textures".</summary>
    public string? DefaultText { get; init; }
}

/// <summary>Text formats beyond the property type's own.</summary>
public enum OptionFormat
{
    Plain,
    /// <summary>A memory size such as 8GB, 512MB or plain bytes (a <c>long</c> property).</summary>
    Bytes,
}
