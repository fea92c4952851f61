using System.Text;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// <c>cluster predict</c>'s item: score a list of image files with a model and judge each with the model's rule (with the
/// job's threshold overrides), as <c>predict</c> does. A file that cannot be read or does not fit the model is reported in
/// its row, not as the item's failure: the other images keep their verdicts.
/// </summary>
public sealed class PredictWork : IWorkKind
{
    public string Kind => "predict";

    public static JsonObject Spec(string model, string? backbone, double? threshold, int? minDefectArea) => new()
    {
        ["model"] = model, ["backbone"] = backbone, ["threshold"] = threshold, ["min_defect_area"] = minDefectArea,
    };

    public byte[] Run(JsonObject spec, JsonObject payload, JobResources resources, CancellationToken cancel)
    {
        var model = resources.Model((string)spec["model"]!, (string?)spec["backbone"]);
        var rule = VerdictRule.Resolve(model.Rule, (double?)spec["threshold"], (int?)spec["min_defect_area"], Path.GetFileName((string)spec["model"]!));
        var rows = new JsonArray();
        foreach (var node in payload["files"]!.AsArray())
        {
            cancel.ThrowIfCancellationRequested();
            string file = (string)node!;
            try
            {
                var sample = Sample.ForImage(file);
                model.CheckInput(sample);
                var p = PredictionOutput.RequireFinite(model.Detector.Predict(sample), file);
                var verdict = rule?.Judge(p);
                rows.Add(new JsonObject
                {
                    ["image"] = file, ["score"] = p.Score,
                    ["verdict"] = verdict is null ? null : verdict.Defective ? "defective" : "good",
                    ["largest_region"] = verdict?.LargestRegion,
                });
            }
            catch (Exception e) when (Failure.Classify(e) == FailureKind.User)
            {
                rows.Add(new JsonObject { ["image"] = file, ["error"] = Failure.UserMessage(Failure.Leaves(e)[0]) });
            }
        }
        return Encoding.UTF8.GetBytes(rows.ToJsonString());
    }
}
