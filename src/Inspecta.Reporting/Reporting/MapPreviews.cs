using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// Compressed 8-bit previews of a test set's anomaly maps (what <c>eval --model --report</c> writes by default instead of
/// hundreds of MB of float32 TIFFs): one grey PNG per image in the official layout
/// <c>&lt;dir&gt;/&lt;category&gt;/test/&lt;label&gt;/&lt;id&gt;.png</c>, all on one linear scale recorded in
/// <c>&lt;dir&gt;/previews.json</c> (0 = the lowest score of the set, 255 = the highest). They are for looking at; metrics
/// and <c>inspecta report</c> need the float maps (<c>--save-maps</c>).
/// </summary>
public static class MapPreviews
{
    public const string ScaleFile = "previews.json";

    public sealed record Written(string Directory, int Files, long Bytes, float Lo, float Hi);

    public static Written Write(IReadOnlyList<EvaluatedImage> images, string dir, string category)
    {
        ArgumentNullException.ThrowIfNull(images);
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var e in images)
        {
            lo = Math.Min(lo, System.Numerics.Tensors.TensorPrimitives.Min<float>(e.Map.Data));
            hi = Math.Max(hi, System.Numerics.Tensors.TensorPrimitives.Max<float>(e.Map.Data));
        }
        if (images.Count == 0) (lo, hi) = (0, 1);
        float scale = hi > lo ? 255f / (hi - lo) : 0f;
        long bytes = 0;
        foreach (var e in images)
        {
            string path = Path.Combine(dir, category, "test", e.Label, e.Id + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var mask = new Mask(e.Map.Height, e.Map.Width);
            var src = e.Map.Data;
            for (int i = 0; i < src.Length; i++) mask.Data[i] = (byte)Math.Clamp(MathF.Round((src[i] - lo) * scale), 0f, 255f);
            ImageIO.WritePng(path, mask);
            bytes += new FileInfo(path).Length;
        }
        var scaleJson = new JsonObject
        {
            ["format"] = "8-bit grey PNG previews of anomaly maps: score = lo + value / 255 * (hi - lo)",
            ["lo"] = lo, ["hi"] = hi, ["images"] = images.Count,
        };
        File.WriteAllText(Path.Combine(dir, ScaleFile), scaleJson.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return new Written(dir, images.Count, bytes, lo, hi);
    }

    public static string Describe(Written w) => string.Create(CultureInfo.InvariantCulture,
        $"wrote {w.Files} map previews (8-bit PNG, {w.Bytes / 1048576.0:F1} MB, scores {w.Lo:G4}–{w.Hi:G4} on one scale, see {ScaleFile}) to {w.Directory}; --save-maps <dir> writes the full float32 maps (needed by `inspecta report <eval.json>`)");
}
