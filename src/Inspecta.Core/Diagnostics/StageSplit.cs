using System.Globalization;
using System.Text.Json.Nodes;

namespace Inspecta.Diagnostics;

/// <summary>Per-image time per stage (median over the images, in milliseconds), in the order the stages ran.</summary>
public sealed record StageSplit(IReadOnlyList<(string Stage, double MedianMilliseconds)> Stages)
{
    public static StageSplit Empty { get; } = new([]);

    /// <summary>The median of each stage over the images (an image that skipped a stage counts 0 for it).</summary>
    public static StageSplit FromImages(IReadOnlyList<IReadOnlyList<(string Stage, double Milliseconds)>> perImage)
    {
        ArgumentNullException.ThrowIfNull(perImage);
        var names = perImage.SelectMany(i => i.Select(s => s.Stage)).Distinct(StringComparer.Ordinal).ToArray();
        var stages = names.Select(name =>
        {
            var values = perImage.Select(i => i.Where(s => s.Stage == name).Sum(s => s.Milliseconds)).Order().ToArray();
            return (name, values.Length == 0 ? 0 : values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2);
        }).ToArray();
        return new StageSplit(stages);
    }

    /// <summary>"decode 12.1 · backbone 30.2 · …" (milliseconds).</summary>
    public override string ToString() =>
        Stages.Count == 0 ? "n/a" : string.Join(" · ", Stages.Select(s => $"{s.Stage} {s.MedianMilliseconds.ToString("F1", CultureInfo.InvariantCulture)}"));

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var (stage, ms) in Stages) o[stage] = Math.Round(ms, 3);
        return o;
    }
}
