using System.Globalization;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta eval --model</c> on a point-cloud dataset: object AUROC and point AUROC (Real3D-AD / Anomaly-ShapeNet protocol).</summary>
internal static class EvalPointCloudCommand
{
    public static int Run(CliConsole console, TrainedModel trained, Category category, bool jsonToStdout, string? jsonPath)
    {
        var result = console.RunWithProgress("eval", p => ModelPredictionSource.EvaluatePointClouds(trained.Detector, category, p), logToStderr: jsonToStdout);
        var node = result.ToJsonNode();
        node["method"] = trained.Detector.Method;
        if (jsonToStdout) { console.WriteJson(node); return CliApp.Ok; }
        console.Out.WriteLine($"{result.Category}: point-cloud protocol, {result.CloudCount} test clouds ({result.AnomalousClouds} defective), {result.PointCount} points ({result.AnomalousPoints} anomalous)");
        console.Out.WriteLine($"  object AUROC  {F(result.ObjectAuroc)}");
        console.Out.WriteLine($"  point AUROC   {F(result.PointAuroc)}   point AP {F(result.PointAp)}");
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
