using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>The result of <c>inspecta bench</c>: the machine, the command and one row per method × category.</summary>
public sealed record BenchReport(MachineInfo Machine, string Command, DateTime StartedUtc, IReadOnlyList<BenchRow> Rows)
{
    /// <summary>Load average after the run (before it is in <see cref="MachineInfo.LoadAverage"/>).</summary>
    public string LoadAverageAfter { get; init; } = "n/a";
    public bool PeakRssPerRow { get; init; }

    public JsonObject ToJson() => new()
    {
        ["command"] = Command,
        ["started_utc"] = StartedUtc.ToString("o", CultureInfo.InvariantCulture),
        ["machine"] = Machine.ToJson(),
        ["load_average_after"] = LoadAverageAfter,
        ["peak_rss_per_row"] = PeakRssPerRow,
        ["rows"] = new JsonArray([.. Rows.Select(r => (JsonNode)r.ToJson())]),
    };

    public string ToJsonString() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>A Markdown block for docs/benchmarks.md: machine, command, load and the table.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"Machine: {Machine.CpuModel}, {Machine.LogicalCores} logical cores, {Machine.Os}; {Machine.DotNet}; ONNX Runtime {Machine.OnnxRuntime}.  \n");
        md.Append(inv, $"Command: `{Command}` ({StartedUtc:yyyy-MM-dd HH:mm} UTC).  \n");
        md.Append(inv, $"Load average (1/5/15 min) before: {Machine.LoadAverage}; after: {LoadAverageAfter}.\n\n");
        var ad = Rows.Where(r => r.Protocol != BenchRow.LocoProtocol).ToList();
        var loco = Rows.Where(r => r.Protocol == BenchRow.LocoProtocol).ToList();
        if (ad.Count > 0 || loco.Count == 0)
        {
            md.Append("| category | method | image AUROC | pixel AUROC | AU-PRO@0.3 | AU-PRO@0.05 | good acc | defective acc | fit s | ms/img median | ms/img p95 | img/s (batch) | model MB | peak RSS MB |\n");
            md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in ad)
                AppendRow(md, r, $"{F(r.ImageAuroc, 3)} | {F(r.PixelAuroc, 3)} | {F(r.AuPro30, 3)} | {F(r.AuPro05, 3)} | {F(r.GoodAccuracy, 3)} | {F(r.DefectiveAccuracy, 3)}", 6);
        }
        if (loco.Count > 0)
        {
            // MVTec LOCO AD categories are scored in their own protocol, as `inspecta eval` does: a table of their own.
            if (ad.Count > 0) md.Append('\n');
            md.Append("MVTec LOCO AD protocol (structural / logical / mean of both):\n\n");
            md.Append("| category | method | image AUROC struct. | image AUROC logical | image AUROC mean | AU-sPRO@0.05 struct. | AU-sPRO@0.05 logical | AU-sPRO@0.05 mean | AU-sPRO@0.3 mean | fit s | ms/img median | ms/img p95 | img/s (batch) | model MB | peak RSS MB |\n");
            md.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in loco)
            {
                var l = r.Loco;
                string metrics = l is null
                    ? "– | – | – | – | – | – | –"
                    : $"{F(l.ImageAurocStructural, 3)} | {F(l.ImageAurocLogical, 3)} | {F(l.ImageAurocMean, 3)} | {F(At(l.AuSproStructural, 0.05), 3)} | {F(At(l.AuSproLogical, 0.05), 3)} | {F(At(l.AuSproMean, 0.05), 3)} | {F(At(l.AuSproMean, 0.3), 3)}";
                AppendRow(md, r, metrics, 7);
            }
        }
        var split = Rows.Where(r => r.Error is null && r.Stages.Stages.Count > 0).ToList();
        if (split.Count > 0)
        {
            md.Append("\nPer-image split at batch size 1 (median ms per stage; decode is outside the latency columns):\n\n");
            foreach (var r in split) md.Append(CultureInfo.InvariantCulture, $"- {r.Category} / {(r.Backbone is null ? r.Method : $"{r.Method} ({r.Backbone})")}: {r.Stages}\n");
        }
        if (!PeakRssPerRow) md.Append("\nPeak RSS is the process-lifetime peak (per-row reset unavailable on this OS).\n");
        md.Append('\n').Append(TimingNote).Append('\n');
        return md.ToString();
    }

    /// <summary>What the time columns include, printed under every table so that a figure quoted elsewhere says it too.</summary>
    public const string TimingNote =
        "What is timed: *fit s* = the method's fit on the train images plus threshold calibration on the validation images " +
        "(backbone already open; process start, dataset listing and writing the model excluded). *ms/img* = one `Predict` of an " +
        "already decoded image at batch size 1 after the warm-up images, in this process; image decoding is excluded (its median is " +
        "the `decode` stage of the split above). `inspecta predict` adds per image the decode, writing the float map and the overlay " +
        "and mask PNGs, and per run the process start and model load, so it takes longer per image than these columns, most of all " +
        "on few images; figures depend on the load average shown above.";

    private static void AppendRow(StringBuilder md, BenchRow r, string metrics, int metricColumns)
    {
        var inv = CultureInfo.InvariantCulture;
        string method = r.Backbone is null ? r.Method : $"{r.Method} ({r.Backbone})";
        if (r.Error is not null)
        {
            md.Append(inv, $"| {r.Category} | {method} | failed: {r.Error.Replace('|', '/').ReplaceLineEndings(" ")} |{new string('|', metricColumns + 5)}\n");
            return;
        }
        md.Append(inv, $"| {r.Category} | {method} | {metrics} | {F(r.FitSeconds, 1)} | {F(r.Latency.Median, 1)} | {F(r.Latency.P95, 1)} | {F(r.ThroughputImagesPerSecond, 1)} ({r.BestBatchSize}) | {F(r.ModelMegabytes, 2)} | {F(r.PeakRssMegabytes, 0)} |\n");
    }

    private static double At(IReadOnlyDictionary<double, double> byLimit, double limit) => byLimit.TryGetValue(limit, out double v) ? v : double.NaN;

    private static string F(double v, int digits) => double.IsFinite(v) ? v.ToString("F" + digits, CultureInfo.InvariantCulture) : "–";
}
