using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.FeatureDictionary;
using Inspecta.Features;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta fit</c>: fit any method on a category's good images, calibrate its threshold, save the model.</summary>
internal static class FitCommand
{
    public static Command Create(CliConsole console)
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset root or category folder.", Required = true };
        var category = new Option<string?>("--category") { Description = "Category name (optional when --dataset is one category)." };
        var format = new Option<string?>("--format") { Description = "Dataset layout (default: auto-detect)." };
        var method = new Option<string>("--method") { Description = $"Method: {string.Join(", ", DetectorCatalog.All.Select(e => e.Method))}.", Required = true };
        var output = new Option<string>("--out") { Description = "Model file to write (.inspecta).", Required = true };
        var backbone = new Option<string?>("--backbone") { Description = $"Backbone ONNX path or preset (default: the built-in {BackbonePreset.DefaultName}, an ImageNet ResNet-18 that needs no download; see `inspecta models list`)." };
        var layers = new Option<string?>("--layers") { Description = "Comma-separated backbone outputs, e.g. layer2,layer3." };
        var coreset = new Option<double?>("--coreset") { Description = "PatchCore coreset ratio (default 0.1)." };
        var imageSize = new Option<int?>("--image-size") { Description = "Square network input size (default 224)." };
        var centerCrop = new Option<bool>("--center-crop") { Description = "Resize to 8/7 of --image-size and center-crop (the papers' 256 → 224 protocol)." };
        var neighbours = new Option<int?>("--num-neighbours") { Description = "PatchCore image-score re-weighting neighbours (default 3; 1 = plain maximum)." };
        var channels = new Option<int?>("--channels") { Description = "PaDiM random channel subset (default 100 for ResNet-18-like, 550 for 50-layer nets)." };
        var maxMemory = new Option<string?>("--max-memory") { Description = "PaDiM memory limit, e.g. 8GB or 512MB (default 8GB)." };
        var topImages = new Option<int?>("--top-images") { Description = "SPADE nearest training images K (default 50)." };
        var seed = new Option<int>("--seed") { Description = "Random seed (coreset start, channel subset, validation split).", DefaultValueFactory = _ => 0 };
        var minArea = new Option<int?>("--min-defect-area") { Description = "Max-area calibration: minimum defect area in pixels (default 0.1 % of the image)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary." };
        var voxelResolution = new Option<int?>("--voxel-resolution") { Description = "voxel-vm: voxels per axis over the training bounding box (default 64)." };
        var descriptor = new Option<string?>("--descriptor") { Description = "pc-patchcore patch descriptor: fpfh (default) or xyz (patch centroid; use with --register)." };
        var centres = new Option<int?>("--centres") { Description = "pc-patchcore: patch centres per cloud by farthest-point sampling (default 512)." };
        var patchPoints = new Option<int?>("--patch-points") { Description = "pc-patchcore: points per patch (default 64)." };
        var register = new Option<bool>("--register") { Description = "pc-patchcore: align every cloud to the first training template (FPFH + RANSAC, then ICP) first." };
        var cmd = new Command("fit", "Fit a detector on good training images, calibrate its threshold on good validation images, and save it.")
        {
            dataset, category, format, method, output, backbone, layers, coreset, imageSize, centerCrop, neighbours, channels, maxMemory, topImages, seed, minArea, json,
            voxelResolution, descriptor, centres, patchPoints, register,
        };
        var classical = new ClassicalFitOptions();
        classical.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var entry = DetectorCatalog.Get(parse.GetValue(method)!);
            var options = new FitOptions
            {
                Seed = parse.GetValue(seed),
                Backbone = parse.GetValue(backbone),
                Layers = parse.GetValue(layers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ImageSize = parse.GetValue(imageSize),
                CenterCrop = parse.GetValue(centerCrop),
                CoresetRatio = parse.GetValue(coreset),
                NumNeighbours = parse.GetValue(neighbours),
                FeatureChannels = parse.GetValue(channels),
                MaxMemoryBytes = parse.GetValue(maxMemory) is { } m ? ParseBytes(m) : null,
                TopImages = parse.GetValue(topImages),
                VoxelResolution = parse.GetValue(voxelResolution),
                PointDescriptor = parse.GetValue(descriptor),
                PatchCentres = parse.GetValue(centres),
                PatchPoints = parse.GetValue(patchPoints),
                Register = parse.GetValue(register),
            };
            options = classical.Apply(parse, options);
            string outPath = parse.GetValue(output)!;
            OutputPaths.RequireWritableFile(outPath, "--out");
            var cat = OpenCategory(parse.GetValue(dataset)!, parse.GetValue(category), parse.GetValue(format), options.Seed);
            var train = cat.RequireTrain();
            bool asJson = parse.GetValue(json);
            options = options with { TextureCategory = cat.IsTexture };
            if (cat.IsTexture && options.ImageSize is null && entry.Method == FeatureDictionaryDetector.MethodId)
                console.Info($"{cat.Name} is a texture category: {entry.Method} works at {FeatureDictionaryDetector.DefaultTextureImageSize}×{FeatureDictionaryDetector.DefaultTextureImageSize} (--image-size overrides)", asJson);
            if (entry.NeedsBackbone && options.Backbone is null)
                console.Info($"backbone: built-in {BackbonePreset.DefaultName} (ImageNet ResNet-18 from {ResNet18Package.Id} {ResNet18Package.Version}); --backbone <path|preset> for another", asJson);
            console.Info($"fitting {entry.Method} on {cat.Name}: {train.Count} train, {cat.Validation.Count} validation images", asJson);
            using var model = console.RunWithProgress("fit", p =>
                ModelTrainer.Train(entry.Create(options), train, cat.Validation, parse.GetValue(minArea), p, default, cat.Path, cat.Name), asJson);
            model.Save(outPath);
            foreach (string warning in model.Warnings) console.Err.WriteLine($"warning: {warning}");
            var t = model.Thresholds;
            if (asJson)
            {
                console.WriteJson(new JsonObject
                {
                    ["model"] = Path.GetFullPath(outPath),
                    ["method"] = entry.Method,
                    ["category"] = cat.Name,
                    ["training"] = model.Summary?.ToJson(),
                    ["thresholds"] = t?.ToJson(),
                    ["warnings"] = new JsonArray(model.Warnings.Select(w => (JsonNode)w).ToArray()),
                });
                return CliApp.Ok;
            }
            console.Out.WriteLine($"saved {outPath} ({new FileInfo(outPath).Length / 1048576.0:F1} MB); fit {model.Summary!.FitSeconds:F1} s");
            console.Out.WriteLine(t is null
                ? "no good validation images: no threshold calibrated (predict writes no masks)"
                : $"thresholds (max-area, min defect area {t.MinDefectArea} px, {t.ValidationImages} validation images): pixel {t.Pixel.ToString("G6", CultureInfo.InvariantCulture)}, image {t.Image.ToString("G6", CultureInfo.InvariantCulture)}");
            return CliApp.Ok;
        });
        return cmd;
    }

    internal static Category OpenCategory(string root, string? category, string? format, int seed)
    {
        var ds = DatasetReader.Open(root, format is null ? null : DatasetFormatNames.Parse(format), seed);
        if (category is not null) return ds.Get(category);
        if (ds.Categories.Count == 1 && ds.Unreadable.Count == 0) return ds.Categories[0];
        throw new InspectaUserException($"{root} holds {ds.AllNames.Count} categories; choose one with --category ({string.Join(", ", ds.AllNames)}).");
    }

    /// <summary>"8GB", "512MB", "1.5G" or plain bytes.</summary>
    internal static long ParseBytes(string text)
    {
        string t = text.Trim().ToUpperInvariant().Replace("B", "", StringComparison.Ordinal);
        double factor = t.EndsWith('K') ? 1 << 10 : t.EndsWith('M') ? 1 << 20 : t.EndsWith('G') ? 1L << 30 : t.EndsWith('T') ? 1L << 40 : 1;
        if (factor > 1) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0)
            throw new InspectaUserException($"Cannot read a memory size from '{text}' (e.g. 8GB, 512MB).");
        return (long)(v * factor);
    }
}
