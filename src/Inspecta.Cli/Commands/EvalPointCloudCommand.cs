using System.CommandLine;
using System.Globalization;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta eval --model</c> on a point-cloud dataset: object AUROC and point AUROC (Real3D-AD / Anomaly-ShapeNet protocol).</summary>
internal static class EvalPointCloudCommand
{
    /// <summary>
    /// The options of `eval` that need anomaly maps are refused (exit 2, before any prediction) rather than silently
    /// ignored: per-point scores have no maps to save or render, no regions for AU-PRO, no validation maps to calibrate on.
    /// </summary>
    public static void RejectMapOnlyOptions(ParseResult parse, params Option[] options)
    {
        foreach (var option in options)
        {
            if (parse.GetResult(option) is not { Implicit: false }) continue;
            string instead = option.Name switch
            {
                "--report" => "use --json <file> for the metrics; `inspecta predict --model <m> --input <category>/test` writes per-point score files",
                "--save-maps" => "there are no maps; `inspecta predict --model <m> --input <category>/test` writes the per-point scores (PLY with a score field, x y z score text)",
                "--validation-maps" or "--min-defect-area" => "calibrate at fit time (the stored threshold is reported), or give --threshold",
                _ => "AU-PRO needs connected defect regions in maps; point clouds get object and point AUROC",
            };
            throw new InspectaUserException($"{option.Name} is not supported for point-cloud datasets; {instead}.");
        }
    }

    public static int Run(CliConsole console, TrainedModel trained, Category category, bool jsonToStdout, string? jsonPath, double? threshold = null, string? curvesDir = null)
    {
        var thresholds = new List<(string, double)>();
        if (trained.Thresholds is { } stored) thresholds.Add(($"stored_{stored.Estimator}", stored.Pixel));
        if (threshold is double given) thresholds.Add(("given", given));
        var result = console.RunWithProgress("eval", p => ModelPredictionSource.EvaluatePointClouds(trained.Detector, category, p, thresholds), logToStderr: jsonToStdout);
        var node = result.ToJsonNode();
        node["method"] = trained.Detector.Method;
        if (curvesDir is not null)
        {
            var files = CurveExport.Write(curvesDir, result.Curves);
            console.Info($"wrote {result.Curves.Count} curves to {curvesDir} ({files.Count} files)", jsonToStdout);
        }
        if (jsonToStdout) { console.WriteJson(node); return CliApp.Ok; }
        console.Out.WriteLine($"{result.Category}: point-cloud protocol, {result.CloudCount} test clouds ({result.AnomalousClouds} defective), {result.PointCount} points ({result.AnomalousPoints} anomalous)");
        console.Out.WriteLine($"  object AUROC  {F(result.ObjectAuroc)}");
        console.Out.WriteLine($"  point AUROC   {F(result.PointAuroc)}   point AP {F(result.PointAp)}");
        foreach (var (name, r) in result.Thresholds)
            console.Out.WriteLine($"  threshold {name,-16} {r.Threshold.ToString("G6", CultureInfo.InvariantCulture),-12} good acc {F(r.GoodAccuracy)}  defective acc {F(r.DefectiveAccuracy)}  point FPR {F(r.PointFpr)}  point TPR {F(r.PointTpr)}");
        if (jsonPath is not null)
        {
            try { console.WriteJson(node, jsonPath); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw InspectaUserException.ForFile(jsonPath, $"cannot write ({ex.Message}).", ex); }
            console.Info($"wrote {jsonPath}");
        }
        return CliApp.Ok;
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
}
