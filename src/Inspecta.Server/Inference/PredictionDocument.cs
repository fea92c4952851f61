using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Reporting;

namespace Inspecta.Server.Inference;

/// <summary>
/// The answer for one image, from the same pieces <c>inspecta predict</c> writes: the score, the <see cref="VerdictRule"/>'s
/// verdict and mask, the regions of that mask, and on request the float32 TIFF map, the overlay PNG and the mask PNG —
/// byte for byte the files predict writes for the same image.
/// </summary>
public sealed class PredictionDocument
{
    /// <summary>Regions listed per image (largest first); the count says how many there are in all.</summary>
    public const int MaxRegions = 100;

    private readonly ServedModel _model;
    private readonly ImageF? _image;

    public PredictionDocument(ServedModel model, string id, ImageF? image, Prediction prediction, VerdictRule? rule, IReadOnlyList<string>? warnings = null)
    {
        Warnings = warnings ?? [];
        _model = model;
        _image = image;
        Id = id;
        Prediction = prediction;
        Rule = rule;
        Verdict = rule?.Judge(prediction);
    }

    public string Id { get; }
    /// <summary>How the input differs from the training images (predict prints the same warnings).</summary>
    public IReadOnlyList<string> Warnings { get; }
    public Prediction Prediction { get; }
    public VerdictRule? Rule { get; }
    public ImageVerdict? Verdict { get; }
    public string Outcome => Verdict is null ? "none" : Verdict.Defective ? "defective" : "good";

    public AnomalyMap Map => Prediction.Map ?? throw new InvalidOperationException($"{_model.Model.Detector.Method} produced no anomaly map.");

    /// <summary>The float32 TIFF predict writes as <c>&lt;id&gt;.tiff</c>.</summary>
    public byte[] MapTiff() => ImageIO.EncodeTiff(Map);
    /// <summary>The PNG predict writes as <c>&lt;id&gt;_overlay.png</c>; null for scans (no rgb image uploaded).</summary>
    public byte[]? OverlayPng() => _image is null ? null : ImageIO.EncodePng(PredictionOverlay.For(_image, Map, Prediction.Score, _model.Model.Thresholds, Rule, Verdict));
    /// <summary>The PNG predict writes as <c>&lt;id&gt;_mask.png</c>; null without a verdict.</summary>
    public byte[]? MaskPng() => Verdict?.Mask is { } mask ? ImageIO.EncodePng(mask) : null;

    public JsonObject ToJson(IReadOnlySet<string> include)
    {
        var map = Prediction.Map;
        var regions = Verdict?.Mask is { } mask ? MaskRegion.Find(mask, VerdictRule.Neighbourhood) : [];
        var doc = new JsonObject
        {
            ["model"] = _model.Name,
            ["method"] = _model.Model.Detector.Method,
            ["image"] = Id,
            ["width"] = map?.Width,
            ["height"] = map?.Height,
            ["score"] = Prediction.Score,
            ["verdict"] = Verdict is null ? null : Outcome,
            ["defective"] = Verdict?.Defective,
            ["largest_region"] = Verdict?.LargestRegion,
            ["defect_pixels"] = Verdict?.DefectPixels,
            ["rule"] = Rule?.ToJson(),
            ["heat_range"] = map is null ? null : HeatRange(map),
            ["warnings"] = new JsonArray([.. Warnings.Select(w => (JsonNode)w)]),
            ["region_count"] = regions.Count,
            ["regions"] = new JsonArray([.. regions.Take(MaxRegions).Select(r => (JsonNode)new JsonObject
            {
                ["x"] = r.X, ["y"] = r.Y, ["width"] = r.Width, ["height"] = r.Height, ["area"] = r.Area,
                ["reaches_min_defect_area"] = Rule is not null && r.Area >= Rule.MinDefectArea,
            })]),
        };
        if (include.Contains("map")) doc["map_tiff"] = Convert.ToBase64String(MapTiff());
        if (include.Contains("overlay") && OverlayPng() is { } overlay) doc["overlay_png"] = Convert.ToBase64String(overlay);
        if (include.Contains("mask") && MaskPng() is { } png) doc["mask_png"] = Convert.ToBase64String(png);
        // The raw scores for clients that recolour the mask themselves (the web page's threshold slider).
        if (include.Contains("values") && map is not null) doc["map_f32"] = Convert.ToBase64String(MemoryMarshal.AsBytes(map.Data.AsSpan()));
        return doc;
    }

    private JsonObject HeatRange(AnomalyMap map)
    {
        var (lo, hi) = PredictionOutput.HeatRange(map, _model.Model.Thresholds);
        return new JsonObject { ["lo"] = lo, ["hi"] = hi };
    }
}
