using System.Text.Json.Nodes;

namespace Inspecta;

/// <summary>The loss history as JSON: in model manifests, checkpoints and <c>fit --json</c>.</summary>
public static class TrainingHistory
{
    public static JsonArray ToJson(IEnumerable<TrainingEpoch> history) => new([.. history.Select(h => (JsonNode)new JsonObject
    {
        ["phase"] = h.Phase, ["epoch"] = h.Epoch, ["epochs"] = h.Epochs, ["loss"] = h.Loss, ["validation_loss"] = h.ValidationLoss,
        ["learning_rate"] = h.LearningRate, ["samples_per_second"] = Math.Round(h.SamplesPerSecond, 2), ["elapsed_seconds"] = Math.Round(h.Elapsed.TotalSeconds, 3),
    })]);

    public static List<TrainingEpoch> FromJson(JsonArray? array) => array is null ? [] : [.. array.Select(n => new TrainingEpoch(
        n!["phase"]!.GetValue<string>(), n["epoch"]!.GetValue<int>(), n["epochs"]!.GetValue<int>(), n["loss"]!.GetValue<double>(),
        n["validation_loss"]?.GetValue<double>(), n["learning_rate"]!.GetValue<double>(), n["samples_per_second"]!.GetValue<double>(),
        TimeSpan.FromSeconds(n["elapsed_seconds"]!.GetValue<double>()), null))];
}
