using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;
using Inspecta.Features;
using Inspecta.Torch.Training;

namespace Inspecta.Cli.Commands;

/// <summary>
/// <c>inspecta fit</c>: fit any method on a category's good images, calibrate its threshold, save the model. The method's own
/// options are generated from its options record once <c>--method</c> (or <c>--config</c>) names it, so an option of another
/// method is a parse error, and <c>fit --method X --help</c> lists exactly X's options with their defaults.
/// </summary>
internal static class FitCommand
{
    public static Command Create(CliConsole console, IReadOnlyList<string> args)
    {
        var registry = MethodRegistry.Default;
        var dataset = new Option<string?>("--dataset") { Description = "Dataset root or category folder (or --train <folder> for a plain folder of good images)." };
        var trainFolder = new Option<string?>("--train") { Description = "Instead of --dataset: a plain folder of good training images (10 % are carved for validation unless --validation is given)." };
        var validationFolder = new Option<string?>("--validation") { Description = "A folder of good validation images to calibrate the thresholds on, instead of the dataset's validation images or those carved from train." };
        var category = new Option<string?>("--category") { Description = "Category name (optional when --dataset is one category)." };
        var format = new Option<string?>("--format") { Description = "Dataset layout (default: auto-detect)." };
        var method = new Option<string?>("--method") { Description = $"Method: {string.Join(", ", registry.All.Select(m => m.Id))}. Its options appear with `inspecta fit --method <id> --help`." };
        var config = new Option<string?>("--config") { Description = "JSON file with the method and its options ({\"method\": …, \"options\": {…}}, keys as in model manifests); command-line options override it." };
        var output = new Option<string>("--out") { Description = "Model file to write (.inspecta).", Required = true };
        var minArea = new Option<int?>("--min-defect-area") { Description = "Max-area calibration: minimum defect area in pixels (default 0.1 % of the image)." };
        var threads = new Option<int?>("--threads") { Description = "Compute threads for methods that train a network (default: one per core)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary." };

        var descriptor = MethodHint(args) is { } hint ? registry.Find(hint) : null;
        var binder = descriptor is null ? null : new MethodOptionBinder(descriptor.Schema, skip: []);
        var cmd = new Command("fit", "Fit a detector on good training images, calibrate its threshold on good validation images, and save it. " +
            (descriptor is null
                ? "Each method has its own options: `inspecta fit --method <id> --help` lists them."
                : $"Method {descriptor.Id}: {descriptor.Summary}."))
        {
            dataset, trainFolder, validationFolder, category, format, method, config, output, minArea, threads, json,
        };
        if (binder is not null) foreach (var o in binder.Options) cmd.Options.Add(o);
        cmd.SetAction((parse, ct) => Task.FromResult(Run(parse, ct)));
        return cmd;

        int Run(ParseResult parse, CancellationToken ct)
        {
            var fromFile = parse.GetValue(config) is string configPath ? ReadConfig(configPath, registry) : null;
            string id = parse.GetValue(method) ?? fromFile?.Method.Id
                ?? throw new InspectaUserException($"Choose a method with --method ({string.Join(", ", registry.All.Select(m => m.Id))}) or --config <file>.");
            var chosen = registry.Get(id);
            if (fromFile is not null && fromFile.Method != chosen)
                throw new InspectaUserException($"--method {chosen.Id} does not match the config's method {fromFile.Method.Id}.");
            if (chosen != descriptor || binder is null) throw new InvalidOperationException("fit options were generated for another method.");
            var (options, given) = binder.Bind(parse, fromFile?.Options ?? chosen.DefaultOptions());
            chosen.Schema.Validate(options); // before minutes of reading data
            if (parse.GetValue(threads) is < 1) throw new InspectaUserException($"--threads must be at least 1, got {parse.GetValue(threads)}.");

            string outPath = parse.GetValue(output)!;
            OutputPaths.RequireWritableFile(outPath, "--out");
            // Claimed for the whole fit: a second fit to the same file says so now, not after minutes of training.
            using var claim = Persistence.OutputLock.Acquire(outPath);
            bool asJson = parse.GetValue(json);
            var cat = OpenTrainingCategory(parse.GetValue(dataset), parse.GetValue(trainFolder), parse.GetValue(validationFolder),
                parse.GetValue(category), parse.GetValue(format), options.Seed);
            var train = cat.RequireTrain();

            var resolved = options.ForCategory(cat.IsTexture);
            foreach (var o in chosen.Schema.Options)
                if (!Equals(o.Get(options), o.Get(resolved)))
                    console.Info($"{cat.Name} is a {(cat.IsTexture ? "texture" : "object")} category: {chosen.Id} uses {o.CliName} {OptionSpec.Format(o.Get(resolved))} ({o.CliName} overrides)", asJson);
            if (chosen.Schema.Find("backbone") is { } b && !given.Contains("backbone") && fromFile is null)
                console.Info(Equals(b.Get(resolved), BackbonePreset.DefaultName)
                    ? $"backbone: built-in {BackbonePreset.DefaultName} (ImageNet ResNet-18 derived from the {ResNet18Package.Id} {ResNet18Package.Version} package, no download); --backbone <path|preset> chooses another"
                    : $"backbone: {b.Get(resolved)} (the default; --backbone <path|preset> chooses another)", asJson);
            string validationSource = parse.GetValue(validationFolder) is { } vf ? $"from {vf}" : cat.ValidationCarved ? "carved from train" : "the dataset's";
            console.Info($"fitting {chosen.Id} on {cat.Name}: {train.Count} train, {cat.Validation.Count} validation images ({validationSource})", asJson);

            // Trained methods keep a resumable checkpoint beside the model while they train; an interrupted fit leaves it (and
            // says where), a saved model removes it.
            string checkpoint = Checkpoint.PathFor(outPath);
            var history = new List<TrainingEpoch>();
            using var model = console.RunWithProgress("fit", (p, epochs) => ModelTrainer.Train(chosen, resolved,
                new FitContext(train)
                {
                    Validation = cat.Validation, TextureCategory = cat.IsTexture, Threads = parse.GetValue(threads), Progress = p, Cancellation = ct,
                    Epochs = new Recorder(history, epochs), CheckpointPath = chosen.Needs.HasFlag(MethodNeeds.TrainingEngine) ? checkpoint : null,
                },
                parse.GetValue(minArea), cat.Path, cat.Name), asJson);
            model.Save(outPath, ct);
            if (chosen.Needs.HasFlag(MethodNeeds.TrainingEngine)) Checkpoint.DeleteAll(checkpoint);
            foreach (string warning in model.Warnings) console.Err.WriteLine($"warning: {warning}");
            var t = model.Thresholds;
            if (asJson)
            {
                console.WriteJson(new JsonObject
                {
                    ["model"] = Path.GetFullPath(outPath),
                    ["method"] = chosen.Id,
                    ["category"] = cat.Name,
                    ["options"] = chosen.Schema.ToJson(resolved),
                    ["training"] = model.Summary?.ToJson(),
                    ["thresholds"] = t?.ToJson(),
                    ["history"] = history.Count > 0 ? TrainingHistory.ToJson(history) : null,
                    ["warnings"] = new JsonArray(model.Warnings.Select(w => (JsonNode)w).ToArray()),
                });
                return CliApp.Ok;
            }
            console.Out.WriteLine($"saved {outPath} ({new FileInfo(outPath).Length / 1048576.0:F1} MB); fit {model.Summary!.FitSeconds:F1} s");
            console.Out.WriteLine(t is null
                ? "no good validation images: no threshold calibrated (predict writes no masks)"
                : $"thresholds (max-area, min defect area {t.MinDefectArea} px, {t.ValidationImages} validation images): pixel {t.Pixel.ToString("G6", CultureInfo.InvariantCulture)}, image {t.Image.ToString("G6", CultureInfo.InvariantCulture)}"
                  + (t.PixelInterval is { } iv ? $"; pixel threshold {iv}" : ""));
            return CliApp.Ok;
        }
    }

    /// <summary>Keeps the loss history for <c>--json</c> and passes each epoch on to the display.</summary>
    private sealed class Recorder(List<TrainingEpoch> history, IProgress<TrainingEpoch> display) : IProgress<TrainingEpoch>
    {
        public void Report(TrainingEpoch value)
        {
            lock (history) history.Add(value);
            display.Report(value);
        }
    }

    /// <summary>The method named on the command line (<c>--method X</c>, <c>--method=X</c>) or in its <c>--config</c> file, if any.</summary>
    public static string? MethodHint(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--method" && i + 1 < args.Count) return args[i + 1];
            if (args[i].StartsWith("--method=", StringComparison.Ordinal)) return args[i]["--method=".Length..];
        }
        for (int i = 0; i + 1 < args.Count; i++)
            if (args[i] == "--config")
                try { return MethodConfig.ReadFile(args[i + 1], MethodRegistry.Default)[0].Method.Id; }
                catch (InspectaUserException) { return null; } // reported properly when the command runs
        return null;
    }

    private static MethodConfig ReadConfig(string path, MethodRegistry registry)
    {
        var configs = MethodConfig.ReadFile(path, registry);
        return configs.Count == 1 ? configs[0] : throw InspectaUserException.ForFile(path, $"fit takes one method, but the config lists {configs.Count} (that is a bench config).");
    }

    /// <summary>The category fit trains on: a dataset's (<c>--dataset</c>) or a plain folder's (<c>--train</c>), optionally
    /// validated on a folder of good images (<c>--validation</c>).</summary>
    private static Category OpenTrainingCategory(string? dataset, string? trainFolder, string? validationFolder, string? category, string? format, int seed)
    {
        if ((dataset is null) == (trainFolder is null))
            throw new InspectaUserException("Give exactly one of --dataset <root or category folder> or --train <folder of good images>.");
        if (trainFolder is not null && (category is not null || format is not null))
            throw new InspectaUserException("--category and --format describe a --dataset; --train takes a plain folder of good images.");
        var cat = trainFolder is not null ? GoodImageFolder.Category(trainFolder, seed) : OpenCategory(dataset!, category, format, seed);
        return validationFolder is null ? cat : GoodImageFolder.WithValidation(cat, validationFolder);
    }

    internal static Category OpenCategory(string root, string? category, string? format, int seed)
    {
        var ds = DatasetReader.Open(root, format is null ? null : DatasetFormatNames.Parse(format), seed);
        if (category is not null) return ds.Get(category);
        if (ds.Categories.Count == 1 && ds.Unreadable.Count == 0) return ds.Categories[0];
        throw new InspectaUserException($"{root} holds {ds.AllNames.Count} categories; choose one with --category ({string.Join(", ", ds.AllNames)}).");
    }
}
