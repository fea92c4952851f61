using System.Text.Json.Nodes;

namespace Inspecta.Reporting;

/// <summary>One test image as the report needs it later: where its pixels, ground truth and map live.</summary>
/// <param name="Image">The input image file.</param>
/// <param name="GroundTruth">Ground-truth mask files (several for MVTec LOCO AD; their union is shown); empty for good images.</param>
/// <param name="Map">The anomaly map as a float32 TIFF.</param>
public sealed record ReportManifestImage(string Label, string Id, float Score, string Image, IReadOnlyList<string> GroundTruth, string Map);

/// <summary>
/// The section <c>"report_inputs"</c> that <c>inspecta eval --json</c> adds to its output so that
/// <c>inspecta report eval.json</c> can rebuild the report later: per-image scores and the files
/// holding each image, its ground truth and its anomaly map (absolute paths), the decision
/// threshold, the evaluation options, and context lines for the header.
/// </summary>
public sealed record ReportManifest(IReadOnlyList<ReportManifestImage> Images)
{
    public const string JsonKey = "report_inputs";

    public string? Title { get; init; }
    public ReportThreshold? Threshold { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Context { get; init; } = [];
    public IReadOnlyList<double> Limits { get; init; } = [];
    public int? ProThresholds { get; init; }

    /// <summary>The manifest of evaluated test samples whose maps are files (<paramref name="mapPath"/>).</summary>
    public static ReportManifest FromSamples(IReadOnlyList<Inspecta.Evaluation.EvaluatedImage> images, IReadOnlyList<Inspecta.Datasets.Sample> samples,
        Func<Inspecta.Datasets.Sample, string> mapPath)
    {
        var byKey = samples.ToDictionary(s => (s.Label, s.Id));
        return new ReportManifest([.. images.Select(e =>
        {
            var s = byKey[(e.Label, e.Id)];
            return new ReportManifestImage(e.Label, e.Id, e.Score, s.Path, s.MaskPaths, mapPath(s));
        })]);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["title"] = Title,
            ["limits"] = new JsonArray([.. Limits.Select(l => (JsonNode)JsonValue.Create(l))]),
            ["pro_thresholds"] = ProThresholds,
            ["context"] = new JsonObject([.. Context.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))]),
            ["threshold"] = Threshold is null ? null : new JsonObject
            {
                ["image"] = Threshold.Value,
                ["pixel"] = Threshold.Pixel,
                ["min_defect_area"] = Threshold.Rule?.MinDefectArea,
                ["rule_pixel"] = Threshold.Rule?.PixelThreshold,
                ["rule_source"] = Threshold.Rule?.Source,
                ["source"] = Threshold.Source,
            },
            ["images"] = new JsonArray([.. Images.Select(i => (JsonNode)new JsonObject
            {
                ["label"] = i.Label,
                ["id"] = i.Id,
                ["score"] = i.Score,
                ["image"] = Path.GetFullPath(i.Image),
                ["ground_truth"] = new JsonArray([.. i.GroundTruth.Select(g => (JsonNode)Path.GetFullPath(g))]),
                ["map"] = Path.GetFullPath(i.Map),
            })]),
        };
        return o;
    }

    /// <summary>Reads the section from a parsed eval JSON; a clear user error names <paramref name="path"/> when it is absent or malformed.</summary>
    public static ReportManifest FromEvalJson(JsonNode? root, string path)
    {
        if (root is not JsonObject top)
            throw InspectaUserException.ForFile(path, "is not an eval result (expected a JSON object written by `inspecta eval … --json <file>`).");
        if (top["au_spro"] is not null)
            throw InspectaUserException.ForFile(path, "holds MVTec LOCO AD results; HTML reports support the MVTec AD protocol only.");
        if (top["protocol"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && top["protocol"]!.GetValue<string>() == "point_cloud")
            throw InspectaUserException.ForFile(path, "holds point-cloud results; HTML reports support 2D anomaly maps only.");
        if (top[JsonKey] is not JsonObject o)
            throw InspectaUserException.ForFile(path, $"has no \"{JsonKey}\" section: write it with `inspecta eval … --json {Path.GetFileName(path)}` from --maps, or from --model with --save-maps (it records the images, ground truth and maps the report shows).");
        try
        {
            var images = new List<ReportManifestImage>();
            foreach (var node in o["images"]?.AsArray() ?? [])
            {
                var i = node!.AsObject();
                images.Add(new ReportManifestImage(
                    Str(i, "label"), Str(i, "id"), i["score"]!.GetValue<float>(), Str(i, "image"),
                    [.. (i["ground_truth"]?.AsArray() ?? []).Select(g => g!.GetValue<string>())], Str(i, "map")));
            }
            ReportThreshold? threshold = o["threshold"] is JsonObject t
                ? t["min_defect_area"]?.GetValue<int>() is int area
                    ? ReportThreshold.From(new Inspecta.Detectors.VerdictRule(t["rule_pixel"]?.GetValue<double>() ?? t["pixel"]!.GetValue<float>(), area) { Source = t["rule_source"]?.GetValue<string>() ?? "stored" })
                    : new ReportThreshold(t["image"]!.GetValue<float>(), t["source"]?.GetValue<string>() ?? "stored threshold") { Pixel = t["pixel"]?.GetValue<float>() }
                : null;
            var context = o["context"] is JsonObject c
                ? c.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value?.ToString() ?? "")).ToArray()
                : [];
            return new ReportManifest(images)
            {
                Title = o["title"]?.GetValue<string>(),
                Threshold = threshold,
                Context = context,
                Limits = [.. (o["limits"]?.AsArray() ?? []).Select(l => l!.GetValue<double>())],
                ProThresholds = o["pro_thresholds"]?.GetValue<int>(),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException)
        {
            throw InspectaUserException.ForFile(path, $"the \"{JsonKey}\" section is malformed ({e.Message}).", e);
        }
    }

    private static string Str(JsonObject o, string key) =>
        o[key]?.GetValue<string>() ?? throw new FormatException($"missing \"{key}\" in an image entry");
}
