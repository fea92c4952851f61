using Inspecta.Detectors.Options;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Registry;

/// <summary>
/// A method as the tools see it: id, summary, input kind, needs, its options record, and how to create a detector for
/// fitting or load a fitted one. Each method declares one in its own folder (derive from
/// <see cref="MethodDescriptor{TOptions}"/>) and its assembly lists it in an <see cref="IMethodProvider"/>.
/// </summary>
public abstract class MethodDescriptor
{
    /// <summary>Command-line id, e.g. "patchcore".</summary>
    public abstract string Id { get; }
    /// <summary>One line: method name, authors and the idea.</summary>
    public abstract string Summary { get; }
    public abstract InputKind Input { get; }
    public virtual MethodNeeds Needs => MethodNeeds.None;
    public abstract Type OptionsType { get; }
    public OptionSchema Schema => OptionSchema.For(OptionsType);

    /// <summary>
    /// The smallest configuration (option values by command-line name) that still runs every part of the method on tiny
    /// data in a second or two: what the conformance tests fit every registered method with. Empty: the defaults are small.
    /// </summary>
    public virtual IReadOnlyList<(string Option, object? Value)> QuickOptions => [];

    /// <summary>The options a fit starts from before the user's values are applied.</summary>
    public abstract MethodOptions DefaultOptions();

    /// <summary>A detector ready to fit; the options are validated first (a user error names the option).</summary>
    public IAnomalyDetector Create(MethodOptions options)
    {
        Schema.Validate(options);
        return CreateDetector(options);
    }

    protected abstract IAnomalyDetector CreateDetector(MethodOptions options);

    /// <summary>
    /// Loads a fitted detector from a model file written by this method. Every method fails the same way on a damaged
    /// file: a user error naming the file (missing or mistyped keys, wrong shapes, non-finite arrays), never an internal error.
    /// Detectors open native resources (ONNX sessions) only after everything else has been read and checked.
    /// </summary>
    public IAnomalyDetector Load(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!string.Equals(reader.Method, Id, StringComparison.Ordinal))
            throw reader.Error($"the model was written by method '{reader.Method}', not {Id}.");
        try
        {
            return LoadDetector(reader);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException
                                       or InvalidCastException or IndexOutOfRangeException or ArgumentException)
        {
            throw reader.Error($"the model manifest is malformed ({ex.Message}).");
        }
    }

    protected abstract IAnomalyDetector LoadDetector(ModelReader reader);

    /// <summary>The options recorded in a model file's parameters (absent keys: today's defaults), validated.</summary>
    public MethodOptions ReadOptions(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            var options = Schema.FromJson(reader.Parameters, DefaultOptions(), rejectUnknown: false, Id, persistedOnly: true);
            Schema.Validate(options);
            return options;
        }
        catch (InspectaUserException ex) when (!ex.Message.StartsWith(reader.Path, StringComparison.Ordinal))
        {
            throw reader.Error($"parameter {ex.Message}");
        }
    }

    public override string ToString() => Id;
}

/// <summary>The usual base: a method with its own options record <typeparamref name="TOptions"/>.</summary>
public abstract class MethodDescriptor<TOptions> : MethodDescriptor where TOptions : MethodOptions, new()
{
    public sealed override Type OptionsType => typeof(TOptions);
    public override MethodOptions DefaultOptions() => new TOptions();
    protected sealed override IAnomalyDetector CreateDetector(MethodOptions options) => Create((TOptions)options);
    protected abstract IAnomalyDetector Create(TOptions options);
    public new TOptions ReadOptions(ModelReader reader) => (TOptions)base.ReadOptions(reader);
}
