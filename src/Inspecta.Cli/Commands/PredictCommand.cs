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
        var json = new Option<bool>("--json") { Description = "Print the scores as JSON." };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone file or preset for a model moved from another machine (must have the SHA-256 recorded in the model)." };
        var cmd = new Command("predict", "Predict anomaly maps: per image a float32 TIFF map at the original size, a heat-map overlay PNG, a binary mask PNG at the stored threshold; scores.csv and scores.json.")
        {
            model, input, output, json, backbone,
        };
        cmd.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            string outDir = parse.GetValue(output)!;
            using var trained = TrainedModel.Load(parse.GetValue(model)!, new Persistence.ModelLoadOptions(parse.GetValue(backbone)));
            var samples = trained.Input != InputKind.Image
                ? PredictGeometry.ListInputs(parse.GetValue(input)!, trained.Input)
                : ListImages(parse.GetValue(input)!);
            RequireSeparateOutput(parse.GetValue(input)!, outDir, samples);
            OutputPaths.RequireWritableFolder(outDir, "--out");
            var rows = new Row[samples.Count];
            int done = 0;
            console.RunWithProgress("predict", p =>
            {
                // Two images in flight: one decodes/writes while the other uses the backbone and the search.
                Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)) }, i =>
                {
                    rows[i] = PredictOne(trained, samples[i], outDir);
                    p.Report(new ProgressUpdate("images", Interlocked.Increment(ref done), samples.Count));
                });
            }, asJson);
            var doc = WriteScores(rows, outDir, trained);
            if (asJson) console.WriteJson(doc);
            else
            {
                int flagged = rows.Count(r => r.Anomalous == true);
                console.Out.WriteLine($"{rows.Length} image(s) → {Path.GetFullPath(outDir)}; {(trained.Thresholds is null ? "no stored threshold" : $"{flagged} above the image threshold")}");
            }
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <param name="Map">The TIFF map, or for point clouds the PLY with a "score" field.</param>
    /// <param name="Points">Point clouds: the "x y z score" text file.</param>
    internal sealed record Row(string Id, string Path, float Score, bool? Anomalous, int? DefectPixels, string Map, string? Overlay, string? Mask, string? Points = null);

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

    private static Row PredictOne(TrainedModel trained, Sample sample, string outDir)
    {
        var prediction = trained.Detector.Predict(sample);
        // Pixel values far outside the trained range (e.g. a float TIFF with huge or non-finite values) can overflow a score.
        if (!float.IsFinite(prediction.Score) || prediction.Map is { } m && !float.IsFinite(m.Max()))
            throw InspectaUserException.ForFile(sample.Path, $"the model produced a non-finite anomaly score ({prediction.Score}); check the image's pixel values.");
        if (prediction.Map is null && prediction.PointScores is { } points) return PredictGeometry.WritePoints(trained, sample, prediction.Score, points, outDir);
        var map = prediction.Map ?? throw new InspectaUserException($"Method {trained.Detector.Method} produces no anomaly map; predict needs one.");
        string stem = Path.Combine(outDir, sample.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
        ImageIO.WriteTiff(stem + ".tiff", map);
        var (lo, hi) = PredictionOutput.HeatRange(map, trained.Thresholds);
        string? overlayPath = null;
        // Organised scans overlay on their rgb image when the MVTec 3D-AD layout provides one.
        var image = trained.Input != InputKind.Image ? PredictGeometry.RgbFor(sample) : sample.LoadImage();
        if (image is not null)
        {
            if (image.Height != map.Height || image.Width != map.Width) image = Resize.Bilinear(image, map.Height, map.Width);
            overlayPath = stem + "_overlay.png";
            ImageIO.WritePng(overlayPath, HeatmapRenderer.Overlay(image, map, lo, hi, 0.5f));
        }
        string? maskPath = null;
        int? defectPixels = null;
        if (trained.Thresholds is { } t)
        {
            var mask = PredictionOutput.Segment(map, t.Pixel);
            defectPixels = mask.CountNonZero();
            maskPath = stem + "_mask.png";
            ImageIO.WritePng(maskPath, mask);
        }
        return new Row(sample.Id, sample.GeometryPath ?? sample.Path, prediction.Score, trained.Thresholds is { } th ? prediction.Score > th.Image : null, defectPixels,
            stem + ".tiff", overlayPath, maskPath);
    }

    private static JsonObject WriteScores(Row[] rows, string outDir, TrainedModel trained)
    {
        var csv = new StringBuilder("id,path,score,anomalous,defect_pixels,map,overlay,mask,points\n");
        foreach (var r in rows)
            csv.Append(CultureInfo.InvariantCulture, $"{Csv(r.Id)},{Csv(r.Path)},{r.Score.ToString("R", CultureInfo.InvariantCulture)},{(r.Anomalous is bool a ? (a ? "1" : "0") : "")},{r.DefectPixels},{Csv(r.Map)},{Csv(r.Overlay ?? "")},{Csv(r.Mask ?? "")},{Csv(r.Points ?? "")}\n");
        File.WriteAllText(Path.Combine(outDir, "scores.csv"), csv.ToString());
        var doc = new JsonObject
        {
            ["method"] = trained.Detector.Method,
            ["thresholds"] = trained.Thresholds?.ToJson(),
            ["images"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id, ["path"] = r.Path, ["score"] = r.Score, ["anomalous"] = r.Anomalous, ["defect_pixels"] = r.DefectPixels,
                ["map"] = r.Map, ["overlay"] = r.Overlay, ["mask"] = r.Mask, ["points"] = r.Points,
            }).ToArray()),
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
