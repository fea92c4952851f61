using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Evaluation;

/// <summary>
/// Metrics of one category in the MVTec AD style. <see cref="ToJson"/> writes the keys the issue fixes:
/// category, n_images, n_regions, image_auroc, pixel_auroc, pixel_ap, au_pro {limit: value}, image_f1_max,
/// pixel_f1_max, and au_pro_equidistant when requested. Undefined values (e.g. no defective image) are NaN / null.
/// </summary>
public sealed record EvaluationResult(
    string Category,
    int ImageCount,
    int RegionCount,
    double ImageAuroc,
    double PixelAuroc,
    double PixelAp,
    IReadOnlyDictionary<double, double> AuPro,
    double ImageF1Max,
    double PixelF1Max)
{
    /// <summary>AU-PRO from <see cref="ProThresholds"/> equidistant thresholds (MVTec 3D-AD variant), when requested.</summary>
    public IReadOnlyDictionary<double, double>? AuProEquidistant { get; init; }

    public int? ProThresholds { get; init; }

    /// <summary>Image score threshold (score ≥ t ⇒ defective) reaching <see cref="ImageF1Max"/>.</summary>
    public double ImageF1Threshold { get; init; } = double.NaN;

    /// <summary>Pixel score threshold reaching <see cref="PixelF1Max"/>.</summary>
    public double PixelF1Threshold { get; init; } = double.NaN;

    /// <summary>PRO, pixel ROC, pixel PR and image ROC curves (thinned for plotting) when requested.</summary>
    public IReadOnlyList<Curve>? Curves { get; init; }

    /// <summary>AU-PRO at the default limit 0.3 (NaN when it was not computed).</summary>
    public double AuProAtDefaultLimit => AuPro.TryGetValue(EvaluationOptions.DefaultLimit, out double v) ? v : double.NaN;

    public JsonObject ToJsonNode()
    {
        var node = new JsonObject
        {
            ["category"] = Category,
            ["n_images"] = ImageCount,
            ["n_regions"] = RegionCount,
            ["image_auroc"] = Number(ImageAuroc),
            ["pixel_auroc"] = Number(PixelAuroc),
            ["pixel_ap"] = Number(PixelAp),
            ["au_pro"] = ByLimit(AuPro),
            ["image_f1_max"] = Number(ImageF1Max),
            ["pixel_f1_max"] = Number(PixelF1Max),
        };
        if (AuProEquidistant is not null) node["au_pro_equidistant"] = ByLimit(AuProEquidistant);
        return node;
    }

    public string ToJson() => ToJsonNode().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    internal static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    internal static JsonObject ByLimit(IReadOnlyDictionary<double, double> values)
    {
        var o = new JsonObject();
        foreach (var (limit, v) in values.OrderBy(kv => kv.Key)) o[LimitKey.Format(limit)] = Number(v);
        return o;
    }
}
