using Inspecta.Detectors.Registry;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Reporting;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta predict</c>: score images with a saved model and write maps, overlays, masks and scores.</summary>
internal static class PredictCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"];

    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "Model file written by `inspecta fit`.", Required = true };
        var input = new Option<string>("--input") { Description = "An image, or a folder searched recursively for images. 3D models: an xyz TIFF or a folder of them (MVTec 3D-AD <...>/xyz/*.tiff with sibling rgb/*.png, e.g. <category>/test), or point clouds.", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder (created if needed).", Required = true };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone file or preset for a model moved from another machine (must have the SHA-256 recorded in the model)." };
        var json = new Option<bool>("--json") { Description = "Print the verdicts and scores as JSON (also written to <out>/scores.json)." };
        var threshold = new Option<double?>("--threshold") { Description = "Pixel threshold of the verdict instead of the stored one: a pixel is anomalous above it, an image defective when such pixels form a region of at least the minimum defect area." };
        var minDefectArea = new Option<int?>("--min-defect-area") { Description = "Minimum defect area of the verdict in pixels instead of the stored one (1 = any pixel above the threshold)." };
        var maxPixels = new Option<long>("--max-pixels") { Description = $"Refuse inputs larger than this many pixels, from the file header before decoding (default {Detectors.InputExpectations.MaxPixels / 1_000_000} million: prediction needs about 50 bytes per pixel).", DefaultValueFactory = _ => Detectors.InputExpectations.MaxPixels };
        var failFast = new Option<bool>("--fail-fast") { Description = "Stop at the first image that cannot be read or scored (default: go on, list the failures, exit 2 at the end)." };
        var cmd = new Command("predict", "Predict anomaly maps and verdicts: per image a float32 TIFF map at the original size, a heat-map overlay PNG, a binary mask PNG at the stored threshold; a verdict per image (defective iff the mask has a region of at least the minimum defect area); scores.csv and scores.json.")
        {
            model, input, output, json, threshold, minDefectArea, failFast, maxPixels, backbone,
        };
        cmd.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            string outDir = parse.GetValue(output)!;
            if (parse.GetValue(threshold) is double t && !double.IsFinite(t)) throw new InspectaUserException($"--threshold must be a finite number, got {t}.");
            long pixelBudget = parse.GetValue(maxPixels);
            if (pixelBudget < 1) throw new InspectaUserException($"--max-pixels must be at least 1, got {pixelBudget}.");
            if (parse.GetValue(minDefectArea) is < 1) throw new InspectaUserException($"--min-defect-area must be at least 1 pixel, got {parse.GetValue(minDefectArea)}.");
            using var trained = TrainedModel.Load(parse.GetValue(model)!, new Persistence.ModelLoadOptions(parse.GetValue(backbone)));
            var rule = VerdictRule.Resolve(trained.Rule, parse.GetValue(threshold), parse.GetValue(minDefectArea), parse.GetValue(model)!);
            var samples = trained.Input != InputKind.Image
                ? PredictGeometry.ListInputs(parse.GetValue(input)!, trained.Input)
                : ListImages(parse.GetValue(input)!);
            RequireSeparateOutput(parse.GetValue(input)!, outDir, samples);
            OutputPaths.RequireWritableFolder(outDir, "--out");
            var rows = new Row?[samples.Count];
            var failures = new Failed?[samples.Count];
            bool stopAtFirst = parse.GetValue(failFast);
            int done = 0;
            console.RunWithProgress("predict", p =>
            {
                // Two images in flight: one decodes/writes while the other uses the backbone and the search.
                Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)) }, i =>
                {
                    try { rows[i] = PredictOne(trained, rule, samples[i], outDir, pixelBudget); }
                    catch (InputFailure f) when (!stopAtFirst)
                    {
                        failures[i] = new Failed(samples[i].Id, samples[i].GeometryPath ?? samples[i].Path, f.Message);
                    }
                    catch (InputFailure f) { throw f.InnerException!; }
                    p.Report(new ProgressUpdate("images", Interlocked.Increment(ref done), samples.Count));
                });
            }, logToStderr: true);
            var ok = rows.OfType<Row>().ToArray();
            var failed = failures.OfType<Failed>().ToArray();
            var doc = WriteScores(ok, failed, outDir, trained, rule);
            if (asJson) console.WriteJson(doc);
            else
            {
                if (!console.Quiet) PrintTable(console.Out, ok, rule);
                int flagged = ok.Count(r => r.Defective == true);
                console.Out.WriteLine($"{ok.Length} image(s) → {Path.GetFullPath(outDir)}; " + (rule is null
                    ? "no stored threshold, so no verdicts (give --threshold)"
                    : $"{flagged} defective, {ok.Length - flagged} good ({rule.Describe()}; {rule.Source})"));
            }
            var warnings = ok.SelectMany(r => r.Warnings ?? []).ToList();
            foreach (string w in warnings.Take(MaxFailuresShown)) console.Err.WriteLine($"warning: {w}");
            if (warnings.Count > MaxFailuresShown) console.Err.WriteLine($"warning: … and {warnings.Count - MaxFailuresShown} more (all in scores.json)");
            foreach (var f in failed.Take(MaxFailuresShown)) console.Err.WriteLine($"error: {f.Path}: {f.Message}");
            if (failed.Length > MaxFailuresShown) console.Err.WriteLine($"error: … and {failed.Length - MaxFailuresShown} more (all in scores.json)");
            if (failed.Length > 0) console.Err.WriteLine($"{failed.Length} of {samples.Count} input(s) failed; the others were written (--fail-fast stops at the first).");
            return failed.Length > 0 ? CliApp.UserError : CliApp.Ok;
        });
        return cmd;
    }

    private const int MaxFailuresShown = 10;

    /// <param name="Map">The TIFF map, or for point clouds the PLY with a "score" field.</param>
    /// <param name="Points">Point clouds: the "x y z score" text file.</param>
    /// <param name="Defective">The <see cref="VerdictRule"/>'s verdict; null without a rule.</param>
    /// <param name="LargestRegion">Pixels (points) of the largest region above the threshold.</param>
    /// <param name="Warnings">What the input check noticed (another size or channels than the training images).</param>
    internal sealed record Row(string Id, string Path, float Score, bool? Defective, int? LargestRegion, int? DefectPixels, string Map, string? Overlay, string? Mask, string? Points = null)
    {
        public IReadOnlyList<string>? Warnings { get; init; }
    }

    /// <summary>An input that could not be read or scored.</summary>
    internal sealed record Failed(string Id, string Path, string Message);

    /// <summary>A user-facing failure of one input (unreadable, unsupported, non-finite score): the batch goes on without it.</summary>
    private sealed class InputFailure(string message, Exception inner) : Exception(message, inner);

    private static void PrintTable(TextWriter o, IReadOnlyList<Row> rows, VerdictRule? rule)
    {
        if (rows.Count == 0) return;
        int w = Math.Max(5, rows.Max(r => r.Id.Length));
        o.WriteLine($"{"image".PadRight(w)}  {"score",12}  {"verdict",-9}  {"region px",9}  {"above px",9}");
        foreach (var r in rows)
            o.WriteLine($"{r.Id.PadRight(w)}  {r.Score.ToString("G6", CultureInfo.InvariantCulture),12}  {(r.Defective is bool d ? d ? "DEFECTIVE" : "good" : "-"),-9}  {r.LargestRegion?.ToString(CultureInfo.InvariantCulture) ?? "-",9}  {r.DefectPixels?.ToString(CultureInfo.InvariantCulture) ?? "-",9}");
    }

    /// <summary>
    /// predict never overwrites its inputs, and never writes into the folder it reads (a second run would take the
    /// overlays and maps for new inputs).
    /// </summary>
    private static void RequireSeparateOutput(string input, string outDir, IReadOnlyList<Sample> samples)
    {
        string output = OutputPaths.Resolved(outDir).TrimEnd(Path.DirectorySeparatorChar);
        if (Directory.Exists(input))
        {
            string folder = OutputPaths.Resolved(input).TrimEnd(Path.DirectorySeparatorChar);
            if (output == folder || output.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw InspectaUserException.ForFile(output, $"--out must not be the input folder or inside it ({folder}); the results would be read as inputs next time.");
        }
        if (samples.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw InspectaUserException.ForFile(clash.First().GeometryPath ?? clash.First().Path,
                $"two inputs would write the same outputs '{clash.Key}.*' (also {clash.Skip(1).First().GeometryPath ?? clash.Skip(1).First().Path}); predict them separately.");
        var inputs = samples.SelectMany(s => new[] { s.Path, s.GeometryPath }).Where(p => !string.IsNullOrEmpty(p)).Select(p => OutputPaths.Resolved(p!)).ToHashSet();
        foreach (var sample in samples)
        {
            string stem = Path.Combine(output, sample.Id);
            foreach (string written in new[] { stem + ".tiff", stem + "_overlay.png", stem + "_mask.png", stem + ".ply", stem + ".txt" })
                if (inputs.Contains(written)) throw InspectaUserException.ForFile(written, "predict would overwrite this input file; choose another --out folder.");
        }
    }

    private static Row PredictOne(TrainedModel trained, VerdictRule? rule, Sample sample, string outDir, long pixelBudget)
    {
        Prediction prediction;
        IReadOnlyList<string> warnings;
        try
        {
            // From the header, before the pixels are decoded: the budget and the training images' size, aspect and channels.
            warnings = trained.CheckInput(sample, pixelBudget);
            prediction = PredictionOutput.RequireFinite(trained.Detector.Predict(sample), sample.Path);
        }
        catch (Exception e) when (Failure.Classify(e) == FailureKind.User)
        {
            // Reading or scoring this input failed: nothing of it is written yet, the others go on.
            var leaf = Failure.Leaves(e)[0];
            string message = Failure.UserMessage(leaf);
            string prefix = (sample.GeometryPath ?? sample.Path) + ": ";
            throw new InputFailure(message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message, e);
        }
        var verdict = rule?.Judge(prediction);
        if (prediction.Map is null && prediction.PointScores is { } points) return PredictGeometry.WritePoints(trained, verdict, sample, prediction.Score, points, outDir);
        var map = prediction.Map ?? throw new InspectaUserException($"Method {trained.Detector.Method} produces no anomaly map; predict needs one.");
        string stem = Path.Combine(outDir, sample.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
        ImageIO.WriteTiff(stem + ".tiff", map);
        string? overlayPath = null;
        // Organised scans overlay on their rgb image when the MVTec 3D-AD layout provides one.
        var image = trained.Input != InputKind.Image ? PredictGeometry.RgbFor(sample) : sample.LoadImage();
        if (image is not null)
        {
            overlayPath = stem + "_overlay.png";
            ImageIO.WritePng(overlayPath, PredictionOverlay.For(image, map, prediction.Score, trained.Thresholds, rule, verdict));
        }
        string? maskPath = null;
        if (verdict?.Mask is { } mask)
        {
            maskPath = stem + "_mask.png";
            ImageIO.WritePng(maskPath, mask);
        }
        return new Row(sample.Id, sample.GeometryPath ?? sample.Path, prediction.Score, verdict?.Defective, verdict?.LargestRegion, verdict?.DefectPixels,
            stem + ".tiff", overlayPath, maskPath) { Warnings = warnings };
    }

    private static JsonObject WriteScores(Row[] rows, Failed[] failures, string outDir, TrainedModel trained, VerdictRule? rule)
    {
        var csv = new StringBuilder("id,path,score,defective,largest_region,defect_pixels,map,overlay,mask,points\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{Csv(r.Id)},{Csv(r.Path)},{r.Score.ToString("R", CultureInfo.InvariantCulture)},{(r.Defective is bool a ? (a ? "1" : "0") : "")},{r.LargestRegion},{r.DefectPixels},{Csv(r.Map)},{Csv(r.Overlay ?? "")},{Csv(r.Mask ?? "")},{Csv(r.Points ?? "")}\n");
        File.WriteAllText(Path.Combine(outDir, "scores.csv"), csv.ToString());
        var doc = new JsonObject
        {
            ["method"] = trained.Detector.Method,
            ["thresholds"] = trained.Thresholds?.ToJson(),
            ["rule"] = rule?.ToJson(),
            ["defective"] = rule is null ? null : rows.Count(r => r.Defective == true),
            ["images"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id, ["path"] = r.Path, ["score"] = r.Score, ["defective"] = r.Defective, ["largest_region"] = r.LargestRegion,
                ["defect_pixels"] = r.DefectPixels, ["map"] = r.Map, ["overlay"] = r.Overlay, ["mask"] = r.Mask, ["points"] = r.Points,
                ["warnings"] = r.Warnings is { Count: > 0 } w ? new JsonArray([.. w.Select(x => (JsonNode)x)]) : null,
            }).ToArray()),
            ["failures"] = new JsonArray(failures.Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["path"] = f.Path, ["error"] = f.Message }).ToArray()),
        };
        File.WriteAllText(Path.Combine(outDir, "scores.json"), doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return doc;
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;

    /// <summary>Ground-truth masks of a dataset folder (MVTec <c>ground_truth/</c>, <c>*_mask.png</c>) are not inputs.</summary>
    private static bool IsGroundTruth(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar).SkipLast(1).Contains("ground_truth", StringComparer.OrdinalIgnoreCase)
        || Path.GetFileNameWithoutExtension(relativePath).EndsWith("_mask", StringComparison.OrdinalIgnoreCase);

    /// <summary>One image, or every image under a folder (ids are relative paths without extension).</summary>
    internal static IReadOnlyList<Sample> ListImages(string input)
    {
        if (File.Exists(input)) return [new Sample(Path.GetFileNameWithoutExtension(input), Path.GetFullPath(input), Split.Test, "unlabelled")];
        if (!Directory.Exists(input)) throw InspectaUserException.ForFile(input, "no such image or folder.");
        var files = Directory.GetFiles(input, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !IsGroundTruth(Path.GetRelativePath(input, f)))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw InspectaUserException.ForFile(input, "the folder holds no images (png, jpg, bmp, tif).");
        return files.Select(f =>
        {
            string rel = Path.GetRelativePath(input, f);
            return new Sample(Path.ChangeExtension(rel, null), Path.GetFullPath(f), Split.Test, "unlabelled");
        }).ToArray();
    }
}
