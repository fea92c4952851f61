using Inspecta.Evaluation;
using Inspecta.Reporting;

namespace Inspecta.Cli.Commands;

/// <summary>How <c>inspecta eval</c> describes its run to the HTML report.</summary>
internal static class EvalReport
{
    /// <summary>The report judges with the run's decision rule (given, stored in the model, or calibrated on validation
    /// maps), exactly as <c>predict</c> would; without one, the test-optimal oracle judges and is labelled so.</summary>
    public static ReportThreshold? Threshold(Detectors.VerdictRule? rule) => rule is null ? null : ReportThreshold.From(rule);

    public static IReadOnlyList<KeyValuePair<string, string>> Context(string dataset, string category, string maps, string? model = null) =>
    [
        new("dataset", Path.GetFullPath(dataset)),
        new("category", category),
        .. model is null ? Array.Empty<KeyValuePair<string, string>>() : [new("model", Path.GetFullPath(model))],
        new("maps", Path.GetFullPath(maps)),
    ];
}
