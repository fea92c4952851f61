using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Inspecta.Detectors.Options;

/// <summary>
/// The declared options of one options record type, found by reflection once: the single source for the generated
/// command-line options, <c>--config</c> files, manifest parameters and validation.
/// </summary>
public sealed class OptionSchema
{
    private static readonly ConcurrentDictionary<Type, OptionSchema> Cache = new();

    public Type OptionsType { get; }
    public IReadOnlyList<OptionSpec> Options { get; }

    private OptionSchema(Type type)
    {
        if (!typeof(MethodOptions).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new InvalidOperationException($"{type.Name} must be a non-abstract MethodOptions record with a parameterless constructor.");
        OptionsType = type;
        var defaults = (MethodOptions)Activator.CreateInstance(type)!;
        // Base-record options (seed) first, then the method's own in declaration order.
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Insert(0, t);
        var specs = new List<OptionSpec>();
        foreach (var t in chain)
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
                if (p.GetCustomAttribute<OptionAttribute>() is { } a)
                {
                    // A derived record may override an inherited option (another default or help): it keeps the base's place.
                    var spec = new OptionSpec(type.GetProperty(p.Name)!, a, type.GetProperty(p.Name)!.GetValue(defaults));
                    int at = specs.FindIndex(s => s.PropertyName == p.Name);
                    if (at >= 0) specs[at] = spec; else specs.Add(spec);
                }
        if (specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } name)
            throw new InvalidOperationException($"{type.Name} declares option --{name.Key} twice.");
        if (specs.GroupBy(s => s.Key).FirstOrDefault(g => g.Count() > 1) is { } key)
            throw new InvalidOperationException($"{type.Name} declares JSON key '{key.Key}' twice.");
        Options = specs;
    }

    public static OptionSchema For(Type optionsType) => Cache.GetOrAdd(optionsType, t => new OptionSchema(t));
    public static OptionSchema For<T>() where T : MethodOptions => For(typeof(T));

    public OptionSpec? Find(string name) =>
        Options.FirstOrDefault(o => o.Name.Equals(name.TrimStart('-'), StringComparison.Ordinal) || o.Key.Equals(name, StringComparison.Ordinal));

    /// <summary>A copy of <paramref name="options"/> with the given values set (options records are immutable to their users).</summary>
    public MethodOptions With(MethodOptions options, IEnumerable<(OptionSpec Option, object? Value)> values)
    {
        RequireType(options);
        var copy = Clone(options);
        foreach (var (option, value) in values) option.Set(copy, value);
        return copy;
    }

    /// <summary>Writes the persisted options into a manifest's parameters under their keys.</summary>
    public void WriteTo(MethodOptions options, JsonObject parameters)
    {
        foreach (var (key, value) in ToJson(options, persistedOnly: true)) parameters[key] = value?.DeepClone();
    }

    /// <summary>Range/choice checks of every option, then the record's own cross-option checks.</summary>
    public void Validate(MethodOptions options)
    {
        RequireType(options);
        foreach (var o in Options) o.Check(o.Get(options));
        options.Validate();
    }

    /// <summary>The options as JSON under their keys; <paramref name="persistedOnly"/> leaves out what the detector records in its own form.</summary>
    public JsonObject ToJson(MethodOptions options, bool persistedOnly = false)
    {
        RequireType(options);
        var json = new JsonObject();
        foreach (var o in Options)
            if (!persistedOnly || o.Persist)
                if (o.Get(options) is { } value) json[o.Key] = o.ToJson(value);
        return json;
    }

    /// <summary>
    /// Reads options from JSON over <paramref name="start"/>: absent keys keep the start value (the default, for model files
    /// written before an option existed). With <paramref name="rejectUnknown"/> (config files) a key no option has is an error
    /// listing the known ones; manifests hold other parameters too and pass false.
    /// </summary>
    public MethodOptions FromJson(JsonObject json, MethodOptions start, bool rejectUnknown, string method, bool persistedOnly = false)
    {
        RequireType(start);
        if (rejectUnknown)
            foreach (var (key, _) in json)
                if (Find(key) is null)
                    throw new InspectaUserException($"'{key}' is not an option of {method}; its options are: {string.Join(", ", Options.Select(o => o.Key))}.");
        var values = new List<(OptionSpec, object?)>();
        foreach (var o in Options)
            if ((o.Persist || !persistedOnly) && json.TryGetPropertyValue(o.Key, out var node)) values.Add((o, o.FromJson(node)));
        return With(start, values);
    }

    private void RequireType(MethodOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.GetType() != OptionsType) throw new ArgumentException($"Expected {OptionsType.Name}, got {options.GetType().Name}.");
    }

    private static MethodOptions Clone(MethodOptions options) =>
        (MethodOptions)options.GetType().GetMethod("<Clone>$")!.Invoke(options, null)!;
}
