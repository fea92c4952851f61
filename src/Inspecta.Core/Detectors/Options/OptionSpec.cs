using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Detectors.Options;

/// <summary>One declared option of a method: reads and writes its value as command-line text and as JSON, and checks it.</summary>
public sealed class OptionSpec
{
    private readonly PropertyInfo _property;
    private readonly OptionAttribute _attribute;
    private readonly Type _type;       // the property type without Nullable<>
    private readonly bool _nullable;

    internal OptionSpec(PropertyInfo property, OptionAttribute attribute, object? defaultValue)
    {
        _property = property;
        _attribute = attribute;
        _type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        _nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null || !property.PropertyType.IsValueType;
        Default = defaultValue;
        if (!IsSupported(_type))
            throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name}: option type {property.PropertyType.Name} is not supported.");
    }

    /// <summary>Command-line name without dashes.</summary>
    public string Name => _attribute.Name;
    public string CliName => "--" + _attribute.Name;
    public string Key => _attribute.Key ?? _attribute.Name.Replace('-', '_');
    public bool Persist => _attribute.Persist;
    public string PropertyName => _property.Name;
    public Type ValueType => _type;
    /// <summary>A switch that takes no value on the command line (bool).</summary>
    public bool IsFlag => _type == typeof(bool);
    public object? Default { get; }

    /// <summary>Help text with the default and the accepted values.</summary>
    public string Help
    {
        get
        {
            string text = _attribute.Help;
            if (_attribute.Choices is { } choices) text += $" One of: {string.Join(", ", choices)}.";
            string? shown = _attribute.DefaultText ?? (IsFlag && Default is false ? null : Default is null ? null : Format(Default));
            return shown is null ? text : $"{text} Default: {shown}.";
        }
    }

    public object? Get(MethodOptions options) => _property.GetValue(options);

    internal void Set(MethodOptions options, object? value) => _property.SetValue(options, value);

    /// <summary>Parses command-line text; a user error naming the option when the text is not of the option's kind.</summary>
    public object? Parse(string text)
    {
        string t = text.Trim();
        if (t.Length == 0) throw new InspectaUserException($"{CliName} was given an empty value.");
        object? value = _type switch
        {
            _ when _type == typeof(string) => t,
            _ when _type == typeof(bool) => bool.TryParse(t, out bool b) ? b : throw Kind(text, "true or false"),
            _ when _type == typeof(int) => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : throw Kind(text, "a whole number"),
            _ when _type == typeof(long) && _attribute.Format == OptionFormat.Bytes => ParseBytes(t),
            _ when _type == typeof(long) => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : throw Kind(text, "a whole number"),
            _ when _type == typeof(float) => float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : throw Kind(text, "a number"),
            _ when _type == typeof(double) => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw Kind(text, "a number"),
            _ when _type == typeof(IReadOnlyList<int>) => ParseList(t, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : throw Kind(s, "a whole number")),
            _ when _type == typeof(IReadOnlyList<string>) => ParseList(t, s => s),
            _ => throw new InvalidOperationException(_type.Name),
        };
        return Normalise(value);
    }

    /// <summary>Reads a JSON value (a <c>--config</c> file or a manifest); errors say what was expected.</summary>
    public object? FromJson(JsonNode? node)
    {
        if (node is null) return _nullable ? null : throw new InspectaUserException($"'{Key}' is null; {Expected()} is expected.");
        try
        {
            object? value = _type switch
            {
                _ when _type == typeof(string) => node.GetValue<string>(),
                _ when _type == typeof(bool) => node.GetValue<bool>(),
                _ when _type == typeof(int) => node.GetValue<int>(),
                _ when _type == typeof(long) && node is JsonValue v && v.GetValueKind() == JsonValueKind.String => ParseBytes(v.GetValue<string>()),
                _ when _type == typeof(long) => node.GetValue<long>(),
                _ when _type == typeof(float) => node.GetValue<float>(),
                _ when _type == typeof(double) => node.GetValue<double>(),
                _ when _type == typeof(IReadOnlyList<int>) => node.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
                _ when _type == typeof(IReadOnlyList<string>) => node.AsArray().Select(n => n!.GetValue<string>()).ToArray(),
                _ => throw new InvalidOperationException(_type.Name),
            };
            return Normalise(value);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InspectaUserException($"'{Key}' is {node.ToJsonString()}; {Expected()} is expected.");
        }
    }

    public JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IReadOnlyList<int> ints => new JsonArray(ints.Select(i => (JsonNode)i).ToArray()),
        IReadOnlyList<string> strings => new JsonArray(strings.Select(s => (JsonNode)s).ToArray()),
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        float f => f,
        double d => d,
        _ => throw new InvalidOperationException(value.GetType().Name),
    };

    /// <summary>Range and choice checks; a user error that names the option and the value.</summary>
    public void Check(object? value)
    {
        if (value is null) return;
        if (value is string s && _attribute.Choices is { } choices && !choices.Contains(s, StringComparer.OrdinalIgnoreCase))
            throw new InspectaUserException($"{CliName} must be one of {string.Join(", ", choices)}; got '{s}'.");
        if (value is IReadOnlyList<int> ints)
        {
            if (ints.Count == 0) throw new InspectaUserException($"{CliName} needs at least one value.");
            foreach (int i in ints) CheckNumber(i);
        }
        if (value is IReadOnlyList<string> strings)
        {
            if (strings.Count == 0) throw new InspectaUserException($"{CliName} needs at least one value.");
            if (strings.GroupBy(x => x).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new InspectaUserException($"{CliName} lists '{twice.Key}' more than once.");
        }
        if (value is int or long or float or double) CheckNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture));
    }

    private void CheckNumber(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) throw new InspectaUserException($"{CliName} must be a finite number, got {Format(v)}.");
        bool tooLow = (!double.IsNaN(_attribute.Min) && v < _attribute.Min) || (!double.IsNaN(_attribute.Above) && v <= _attribute.Above);
        bool tooHigh = !double.IsNaN(_attribute.Max) && v > _attribute.Max;
        if (tooLow || tooHigh) throw new InspectaUserException($"{CliName} must be {Range()}, got {Format(v)}.");
    }

    private string Range()
    {
        string lo = !double.IsNaN(_attribute.Above) ? $"> {Format(_attribute.Above)}" : !double.IsNaN(_attribute.Min) ? $"≥ {Format(_attribute.Min)}" : "";
        string hi = !double.IsNaN(_attribute.Max) ? $"≤ {Format(_attribute.Max)}" : "";
        return lo.Length > 0 && hi.Length > 0 ? $"{lo} and {hi}" : lo + hi;
    }

    private object? Normalise(object? value) => value is string s && _attribute.Choices is not null ? s.ToLowerInvariant() : value;

    public static string Format(object? value) => value switch
    {
        null => "none",
        IReadOnlyList<int> ints => string.Join(",", ints),
        IReadOnlyList<string> strings => string.Join(",", strings),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private string Expected() => _type switch
    {
        _ when _type == typeof(string) => "a string",
        _ when _type == typeof(bool) => "true or false",
        _ when _type == typeof(int) || _type == typeof(long) => "a whole number",
        _ when _type == typeof(float) || _type == typeof(double) => "a number",
        _ => "a list",
    };

    private InspectaUserException Kind(string text, string kind) => new($"{CliName}: '{text}' is not {kind}.");

    private IReadOnlyList<T> ParseList<T>(string text, Func<string, T> parse)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToArray();
        return items.Length > 0 ? items : throw new InspectaUserException($"{CliName} needs at least one value.");
    }

    /// <summary>"8GB", "512MB", "1.5G" or plain bytes.</summary>
    public static long ParseBytes(string text)
    {
        string t = text.Trim().ToUpperInvariant().Replace("B", "", StringComparison.Ordinal);
        double factor = t.EndsWith('K') ? 1 << 10 : t.EndsWith('M') ? 1 << 20 : t.EndsWith('G') ? 1L << 30 : t.EndsWith('T') ? 1L << 40 : 1;
        if (factor > 1) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || double.IsInfinity(v))
            throw new InspectaUserException($"Cannot read a memory size from '{text}' (e.g. 8GB, 512MB).");
        return (long)(v * factor);
    }

    private static bool IsSupported(Type t) =>
        t == typeof(string) || t == typeof(bool) || t == typeof(int) || t == typeof(long) || t == typeof(float) || t == typeof(double)
        || t == typeof(IReadOnlyList<int>) || t == typeof(IReadOnlyList<string>);
}
