using System.CommandLine;
using Inspecta.Detectors.Options;

namespace Inspecta.Cli.Commands;

/// <summary>
/// Command-line options generated from a method's options record: one per declared option, with its name, help and
/// default; <see cref="Bind"/> applies what the user typed (and only that) over a starting set of options. Values are read
/// as text and parsed by the schema, so every method's errors read alike.
/// </summary>
internal sealed class MethodOptionBinder
{
    private readonly OptionSchema _schema;
    private readonly List<(OptionSpec Spec, Option Option)> _options = [];

    public MethodOptionBinder(OptionSchema schema, IEnumerable<string> skip)
    {
        _schema = schema;
        var skipped = skip.ToHashSet(StringComparer.Ordinal);
        foreach (var spec in schema.Options.Where(o => !skipped.Contains(o.Name)))
        {
            Option option = spec.IsFlag
                ? new Option<bool>(spec.CliName) { Description = spec.Help }
                : new Option<string?>(spec.CliName) { Description = spec.Help, HelpName = HelpName(spec) };
            _options.Add((spec, option));
        }
    }

    public IEnumerable<Option> Options => _options.Select(o => o.Option);

    /// <summary>The user's values over <paramref name="start"/>, validated; also returns the names the user set.</summary>
    public (MethodOptions Options, IReadOnlyList<string> Given) Bind(ParseResult parse, MethodOptions start)
    {
        var values = new List<(OptionSpec, object?)>();
        foreach (var (spec, option) in _options)
        {
            if (parse.GetResult(option) is not { Implicit: false }) continue; // not on the command line
            object? value = option is Option<bool> flag ? parse.GetValue(flag) : spec.Parse(parse.GetValue((Option<string?>)option) ?? "");
            values.Add((spec, value));
        }
        var options = _schema.With(start, values);
        return (options, values.Select(v => v.Item1.Name).ToList());
    }

    private static string HelpName(OptionSpec spec) => spec.ValueType switch
    {
        var t when t == typeof(int) || t == typeof(long) => "n",
        var t when t == typeof(float) || t == typeof(double) => "x",
        var t when t == typeof(IReadOnlyList<int>) => "n,n,…",
        var t when t == typeof(IReadOnlyList<string>) => "a,b,…",
        _ => "value",
    };
}
