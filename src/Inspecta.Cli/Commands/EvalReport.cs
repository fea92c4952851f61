using Inspecta.Evaluation;
using Inspecta.Reporting;

namespace Inspecta.Cli.Commands;

/// <summary>How <c>inspecta eval</c> describes its run to the HTML report.</summary>
internal static class EvalReport
{
    /// <summary>The threshold the report judges with: the one given, else the thresholds calibrated on good
    /// validation maps (image: max of their scores; pixel: max-area), else none (the report falls back to F1-optimal).</summary>
    public static ReportThreshold? Threshold(double? given, IReadOnlyList<(string Name, ThresholdReport Report)> calibrated)
    {
        if (given is double t) return new ReportThreshold((float)t, "given with --threshold");
        var max = calibrated.FirstOrDefault(c => c.Name == "max");
        var area = calibrated.FirstOrDefault(c => c.Name.StartsWith("max_area_", StringComparison.Ordinal));
        if (max.Report is null || area.Report is null) return null;
        return new ReportThreshold((float)max.Report.Threshold,
            $"calibrated on the good validation maps: image = max of their scores, pixel = max-area (min defect area {area.Name["max_area_".Length..]} px)")
        {
            Pixel = (float)area.Report.Threshold,
        };
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Context(string dataset, string category, string maps, string? model = null) =>
    [
        new("dataset", Path.GetFullPath(dataset)),
        new("category", category),
        .. model is null ? Array.Empty<KeyValuePair<string, string>>() : [new("model", Path.GetFullPath(model))],
        new("maps", Path.GetFullPath(maps)),
    ];
}
