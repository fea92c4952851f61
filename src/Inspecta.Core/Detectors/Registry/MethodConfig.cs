using System.Text.Json;
using System.Text.Json.Nodes;
using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.Registry;

/// <summary>
/// A method with a complete set of options and a label: what <c>fit --config</c> reads and <c>bench</c> runs, so that every
/// published row can be reproduced. JSON: <c>{"method": "feature-dictionary", "label": "fd K=50", "options": {"clusters": 50}}</c>,
/// options under their manifest keys; a file may hold one such object or an array of them.
/// </summary>
public sealed record MethodConfig(MethodDescriptor Method, MethodOptions Options, string Label)
{
    public static MethodConfig Default(MethodDescriptor method) => new(method, method.DefaultOptions(), method.Id);

    public JsonObject ToJson() => new()
    {
        ["method"] = Method.Id,
        ["label"] = Label,
        ["options"] = Method.Schema.ToJson(Options),
    };

    /// <summary>Reads a config file; errors name the file and the entry.</summary>
    public static IReadOnlyList<MethodConfig> ReadFile(string path, MethodRegistry registry)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "config file not found.");
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException ex) { throw InspectaUserException.ForFile(path, $"not valid JSON ({ex.Message})."); }
        var items = root switch
        {
            JsonObject o => [o],
            JsonArray a => a.Select((n, i) => n as JsonObject ?? throw InspectaUserException.ForFile(path, $"entry {i} is not a JSON object.")).ToList(),
            _ => throw InspectaUserException.ForFile(path, "expected a JSON object {\"method\": …, \"options\": {…}} or an array of them."),
        };
        if (items.Count == 0) throw InspectaUserException.ForFile(path, "the config lists no method.");
        var configs = new List<MethodConfig>();
        for (int i = 0; i < items.Count; i++)
        {
            try { configs.Add(FromJson(items[i], registry)); }
            catch (InspectaUserException ex) { throw InspectaUserException.ForFile(path, (items.Count > 1 ? $"entry {i}: " : "") + ex.Message); }
        }
        if (configs.GroupBy(c => c.Label).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw InspectaUserException.ForFile(path, $"label '{twice.Key}' is used twice; give each entry its own \"label\".");
        return configs;
    }

    public static MethodConfig FromJson(JsonObject json, MethodRegistry registry)
    {
        foreach (var (key, _) in json)
            if (key is not ("method" or "label" or "options"))
                throw new InspectaUserException($"unknown key '{key}' (expected method, label, options).");
        string id = json["method"] is JsonValue m && m.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s
            : throw new InspectaUserException("\"method\" must name a method id.");
        var method = registry.Get(id);
        var options = method.DefaultOptions();
        if (json["options"] is { } o)
            options = method.Schema.FromJson(o as JsonObject ?? throw new InspectaUserException("\"options\" must be a JSON object."), options, rejectUnknown: true, method.Id);
        method.Schema.Validate(options);
        string label = json["label"] is JsonValue l && l.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text) ? text : method.Id;
        return new MethodConfig(method, options, label);
    }
}
