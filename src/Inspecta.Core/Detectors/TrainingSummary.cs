using System.Text.Json.Nodes;

namespace Inspecta.Detectors;

/// <summary>What a model was fitted on and how long it took (manifest key "training").</summary>
public sealed record TrainingSummary(int TrainImages, int ValidationImages, double FitSeconds, double CalibrationSeconds,
    string? Dataset = null, string? Category = null)
{
    public JsonObject ToJson() => new()
    {
        ["train_images"] = TrainImages,
        ["validation_images"] = ValidationImages,
        ["fit_s"] = Math.Round(FitSeconds, 3),
        ["calibration_s"] = Math.Round(CalibrationSeconds, 3),
        ["dataset"] = Dataset,
        ["category"] = Category,
    };

    public static TrainingSummary? FromJson(JsonNode? node) => node is JsonObject o
        ? new TrainingSummary(o["train_images"]?.GetValue<int>() ?? 0, o["validation_images"]?.GetValue<int>() ?? 0,
            o["fit_s"]?.GetValue<double>() ?? 0, o["calibration_s"]?.GetValue<double>() ?? 0,
            o["dataset"]?.GetValue<string>(), o["category"]?.GetValue<string>())
        : null;
}
