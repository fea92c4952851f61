using System.Text.Json;
using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// Rebuilds a report from an <c>eval.json</c> written by <c>inspecta eval --json</c>: reads the maps
/// and ground truth its <see cref="ReportManifest"/> points to, re-runs the (deterministic)
/// evaluation with curves kept, and wires up the gallery to load each input image on demand.
/// </summary>
public static class EvalJsonReport
{
    public static ReportInput Load(string evalJsonPath, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        if (!File.Exists(evalJsonPath)) throw InspectaUserException.ForFile(evalJsonPath, "file not found.");
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(evalJsonPath)); }
        catch (JsonException e) { throw InspectaUserException.ForFile(evalJsonPath, $"is not valid JSON ({e.Message}).", e); }
        var manifest = ReportManifest.FromEvalJson(root, evalJsonPath);
        if (manifest.Images.Count == 0) throw InspectaUserException.ForFile(evalJsonPath, "lists no test images.");

        var missing = manifest.Images.SelectMany(i => new[] { i.Image, i.Map }.Concat(i.GroundTruth)).Where(p => !File.Exists(p)).ToArray();
        if (missing.Length > 0)
            throw InspectaUserException.ForFile(evalJsonPath, $"refers to {missing.Length} missing file(s), e.g. {string.Join(", ", missing.Take(3))}.");

        var evaluated = new EvaluatedImage[manifest.Images.Count];
        int done = 0;
        Parallel.For(0, evaluated.Length, new ParallelOptions { CancellationToken = ct }, k =>
        {
            var entry = manifest.Images[k];
            var map = AnomalyMap.FromImage(FirstChannel(ImageIO.Read(entry.Map)));
            var gt = GroundTruthFiles.ReadUnion(entry.GroundTruth);
            if (gt is null)
            {
                var (h, w) = ImageSize(entry.Image);
                gt = new Mask(h, w);
            }
            if (map.Height != gt.Height || map.Width != gt.Width)
                map = Resize.Bilinear(map, gt.Height, gt.Width);
            evaluated[k] = new EvaluatedImage(entry.Label, entry.Id, entry.Score, map, gt);
            progress?.Report(new ProgressUpdate("read maps", Interlocked.Increment(ref done), evaluated.Length));
        });

        var options = new EvaluationOptions
        {
            Limits = manifest.Limits.Count > 0 ? manifest.Limits : EvaluationOptions.DefaultLimits,
            ProThresholds = manifest.ProThresholds,
            ExportCurves = true,
            Category = root?["category"]?.GetValue<string>() ?? "",
        };
        var result = MetricsEvaluator.Evaluate(evaluated, options, progress);
        var items = evaluated.Select((e, k) =>
        {
            string image = manifest.Images[k].Image;
            return ReportInputs.Item(e, () => ImageIO.Read(image), image);
        }).ToArray();
        return ReportInputs.FromEvaluation(result, items, manifest.Threshold, manifest.Title ?? $"Inspecta evaluation: {options.Category}",
            manifest.Context.Count > 0 ? manifest.Context : [new("category", options.Category)]);
    }

    private static ImageF FirstChannel(ImageF image) =>
        image.Channels == 1 ? image : new ImageF(1, image.Height, image.Width, image.Plane(0).ToArray());

    private static (int H, int W) ImageSize(string path)
    {
        var info = ImageIO.ReadInfo(path);
        return (info.Height, info.Width);
    }
}
