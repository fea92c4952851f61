using System.Text.Json.Nodes;
using Inspecta.Evaluation.Thresholds;

namespace Inspecta.Detectors;

/// <summary>
/// Decision thresholds calibrated on good validation images only, stored in the model manifest.
/// A pixel is anomalous when its score is above <see cref="Pixel"/>; an image is defective by <see cref="VerdictRule"/>
/// (a region of at least <see cref="MinDefectArea"/> anomalous pixels), not by its image score.
/// </summary>
/// <param name="Estimator">"max-area": the smallest pixel threshold at which no connected component of the
/// segmented good validation maps reaches <paramref name="MinDefectArea"/> pixels.</param>
/// <param name="Image">The maximum image score over the good validation images (the "max" estimator); shown for
/// information only: verdicts come from <see cref="VerdictRule"/> on the pixel threshold.</param>
public sealed record CalibratedThresholds(string Estimator, float Pixel, float Image, int MinDefectArea, int ValidationImages)
{
    /// <summary>The pixel threshold's uncertainty over the choice of validation images (null in files written before it existed).</summary>
    public ThresholdInterval? PixelInterval { get; init; }

    public JsonObject ToJson() => new()
    {
        ["estimator"] = Estimator,
        ["pixel"] = Pixel,
        ["image"] = Image,
        ["min_defect_area"] = MinDefectArea,
        ["validation_images"] = ValidationImages,
        ["pixel_interval"] = PixelInterval?.ToJson(),
    };

    public static CalibratedThresholds? FromJson(JsonNode? node) => node is JsonObject o
        ? new CalibratedThresholds(o["estimator"]!.GetValue<string>(), o["pixel"]!.GetValue<float>(), o["image"]!.GetValue<float>(),
            o["min_defect_area"]!.GetValue<int>(), o["validation_images"]?.GetValue<int>() ?? 0)
        { PixelInterval = ThresholdInterval.FromJson(o["pixel_interval"]) }
        : null;
}
