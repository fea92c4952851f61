using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Cluster.Database;
using Inspecta.Cluster.Hosting;
using Inspecta.Cluster.Jobs;
using Inspecta.Cluster.Status;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Evaluation;
using Inspecta.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Inspecta.Cli.Commands;

/// <summary>
/// <c>inspecta cluster status|eval|predict|fit</c>: a cluster of <c>inspecta serve --cluster</c> nodes seen from outside.
/// Batch jobs are split into work items in the cluster database; the nodes' silos run them under leases and this
/// command collects each item's one result (Inspecta.Cluster/Jobs).
/// </summary>
internal static class ClusterCommand
{
    public static Command Create(CliConsole console)
    {
        var cmd = new Command("cluster", "Work with a cluster of `inspecta serve --cluster` nodes: its status, and batch eval, predict and fit split across its silos.");
        cmd.Subcommands.Add(Status(console));
        cmd.Subcommands.Add(Eval(console));
        cmd.Subcommands.Add(Predict(console));
        cmd.Subcommands.Add(Fit(console));
        return cmd;
    }

    /// <summary>The options every subcommand has: where the cluster's database is and which cluster.</summary>
    private sealed class Common
    {
        public readonly Option<string> Cluster = new("--cluster") { Description = "PostgreSQL connection string of the cluster's database (as given to `inspecta serve --cluster`).", Required = true };
        public readonly Option<string> ClusterId = new("--cluster-id") { Description = "Cluster id (clusters sharing a database are told apart by it).", DefaultValueFactory = _ => ClusterSettings.DefaultClusterId };
        public readonly Option<double> ConnectTimeout = new("--connect-timeout") { Description = "Seconds to wait for the database (retries with backoff).", DefaultValueFactory = _ => 30 };

        public void AddTo(Command c)
        {
            c.Options.Add(Cluster);
            c.Options.Add(ClusterId);
            c.Options.Add(ConnectTimeout);
        }

        public async Task<(ClusterDatabase Db, string Id)> OpenAsync(ParseResult parse, CliConsole console, CancellationToken cancel)
        {
            string id = parse.GetValue(ClusterId)!;
            ClusterSettings.ValidateClusterId(id);
            double seconds = parse.GetValue(ConnectTimeout);
            if (!(seconds > 0)) throw new InspectaUserException($"--connect-timeout must be positive, got {seconds}.");
            var db = ClusterDatabase.Create(parse.GetValue(Cluster)!);
            try
            {
                using var logs = LoggerFactory.Create(l => l.AddProvider(new LineLoggerProvider(console.Err, json: false)));
                await db.OpenAsync(logs.CreateLogger("Inspecta.Cluster"), TimeSpan.FromSeconds(seconds), cancel);
                return (db, id);
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }
    }

    private static Command Status(CliConsole console)
    {
        var common = new Common();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (as GET /v1/cluster answers)." };
        var cmd = new Command("status", "The cluster's silos (status, HTTP address, models loaded, load, queue depth) and its running batch jobs.");
        common.AddTo(cmd);
        cmd.Options.Add(json);
        cmd.SetAction(async (parse, cancel) =>
        {
            var (db, id) = await common.OpenAsync(parse, console, cancel);
            await using var _ = db;
            var nodes = await ClusterStatusReader.NodesAsync(db.Source, id, TimeSpan.FromMinutes(10), cancel);
            var jobs = await ClusterStatusReader.JobsAsync(db.Source, id, cancel);
            if (parse.GetValue(json))
            {
                console.WriteJson(ClusterStatusReader.ToJson(id, nodes, jobs));
                return CliApp.Ok;
            }
            console.Out.WriteLine($"cluster '{id}' at {db.Display}: {nodes.Count(n => n.Active)} active silo(s)");
            foreach (var n in nodes)
                console.Out.WriteLine($"  {n.Silo,-28} {n.Status,-8} {n.HttpUrl ?? "-",-24} load {n.Admitted}/{n.Capacity}  queue {n.Waiting}  predictions {n.Predictions}  work items {n.WorkDone} done, {n.WorkRunning} running  models: {(n.Active && n.Replicas.Count > 0 ? string.Join(", ", n.Replicas) : "-")}");
            foreach (var j in jobs)
                console.Out.WriteLine($"  job {j.Id} {j.Kind}: {j.Done}/{j.Items} done, {j.Leased} running, {j.Pending} queued, {j.Failed} failed");
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>Options of the batch subcommands: item size, lease, time limit.</summary>
    private sealed class Batch(string unit, int defaultSize)
    {
        public readonly Option<int> Items = new("--item-size") { Description = $"{unit} per work item (a silo's unit of work, redone whole if its silo dies).", DefaultValueFactory = _ => defaultSize };
        public readonly Option<double> Lease = new("--lease-seconds") { Description = "Work-item lease: a silo that dies is replaced on its items after this (renewed every third of it while working).", DefaultValueFactory = _ => 30 };
        public readonly Option<double> Timeout = new("--timeout") { Description = "Seconds the whole job may take before it is withdrawn.", DefaultValueFactory = _ => 3600 };

        public void AddTo(Command c)
        {
            c.Options.Add(Items);
            c.Options.Add(Lease);
            c.Options.Add(Timeout);
        }

        public (int Size, TimeSpan Lease, TimeSpan Timeout) Read(ParseResult parse)
        {
            int size = parse.GetValue(Items);
            double lease = parse.GetValue(Lease), timeout = parse.GetValue(Timeout);
            if (size < 1) throw new InspectaUserException($"--item-size must be at least 1, got {size}.");
            if (!(lease >= 1)) throw new InspectaUserException($"--lease-seconds must be at least 1, got {lease}.");
            if (!(timeout > 0)) throw new InspectaUserException($"--timeout must be positive, got {timeout}.");
            return (size, TimeSpan.FromSeconds(lease), TimeSpan.FromSeconds(timeout));
        }
    }

    private static async Task<JobOutcome> RunJobAsync(CliConsole console, ClusterDatabase db, string id, string kind, JsonObject spec, IReadOnlyList<JsonObject> payloads,
        TimeSpan lease, TimeSpan timeout, bool json, CancellationToken cancel)
    {
        console.Info($"cluster {kind}: {payloads.Count} work items on cluster '{id}' ({db.Display})", json);
        bool lines = Console.IsErrorRedirected;
        var outcome = await Task.Run(() => console.RunWithProgress($"cluster {kind}", p =>
            new JobCoordinator(db, id).RunAsync(kind, spec, payloads, lease, timeout, p, m => console.Err.WriteLine($"note: {m}"), cancel,
                lines ? pr => console.Err.WriteLine($"cluster {kind}: {pr.Done}/{pr.Total} items done, {pr.Running} running, {pr.Silos} silo(s) so far") : null)
            .GetAwaiter().GetResult(), logToStderr: json), cancel);
        console.Info($"cluster {kind}: {outcome.Items.Count} items done by {outcome.Progress.Silos} silo(s) in {outcome.Elapsed.TotalSeconds:F1} s"
            + (outcome.Progress.Retries > 0 ? $"; {outcome.Progress.Retries} claim(s) redone after a silo failed or lost its lease" : ""), json);
        return outcome;
    }

    private static Command Eval(CliConsole console)
    {
        var common = new Common();
        var batch = new Batch("Test images", 8);
        var model = new Option<string>("--model") { Description = "Fitted model (.inspecta) at a path every node reads (shared folder or the same copy on each).", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "Dataset root, at a path every node reads.", Required = true };
        var category = new Option<string>("--category") { Description = "Category to evaluate.", Required = true };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone file or preset for a model moved from another machine." };
        var limits = new Option<string>("--limits") { Description = "FPR integration limits for AU-PRO / AU-sPRO.", DefaultValueFactory = _ => "0.01,0.05,0.1,0.3,1.0" };
        var proThresholds = new Option<int?>("--pro-thresholds") { Description = "Also compute AU-PRO from N equidistant thresholds." };
        var json = new Option<string?>("--json") { Description = "Write the metrics as JSON to this file, or to stdout when no file is given.", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("eval", "Evaluate a model on a category's test set across the cluster: the test images are split into work items that the silos predict; the metrics are computed here exactly as `inspecta eval --model` computes them.");
        common.AddTo(cmd);
        batch.AddTo(cmd);
        foreach (var o in new Option[] { model, dataset, category, backbone, limits, proThresholds, json }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, cancel) =>
        {
            bool toStdout = parse.GetResult(json) is not null && parse.GetValue(json) is null;
            string? jsonPath = parse.GetValue(json);
            var options = new EvaluationOptions
            {
                Category = parse.GetValue(category)!,
                Limits = EvaluationOptions.ParseLimits(parse.GetValue(limits)!),
                ProThresholds = parse.GetValue(proThresholds),
            };
            options.Validate();
            var (size, lease, timeout) = batch.Read(parse);
            if (jsonPath is not null) OutputPaths.RequireWritableFile(jsonPath, "--json");
            string modelPath = Path.GetFullPath(parse.GetValue(model)!), root = Path.GetFullPath(parse.GetValue(dataset)!);
            // Checked here before any silo works: the model loads and the category exists (the silos open the same paths).
            using var trained = TrainedModel.Load(modelPath, new Persistence.ModelLoadOptions(parse.GetValue(backbone)));
            var cat = DatasetReader.Open(root).Get(options.Category);
            if (cat.Test.Count == 0) throw new InspectaUserException($"Category '{cat.Name}' has no test images.");
            if (ModelPredictionSource.IsPointCloud(cat.Format)) throw new InspectaUserException("cluster eval evaluates anomaly maps; point-cloud datasets (per-point ground truth) run with `inspecta eval`.");

            var (db, id) = await common.OpenAsync(parse, console, cancel);
            await using var _ = db;
            var outcome = await RunJobAsync(console, db, id, "eval", EvalWork.Spec(modelPath, root, cat.Name, parse.GetValue(backbone)),
                JobCoordinator.Ranges(cat.Test.Count, size), lease, timeout, toStdout, cancel);

            var predictions = new Prediction?[cat.Test.Count];
            foreach (var item in outcome.Items)
                foreach (var (index, p) in EvalWork.Decode(item.Result!))
                    predictions[index] = predictions[index] is null ? p : throw new InvalidOperationException($"test image {index} came back twice.");
            if (Array.IndexOf(predictions, null) is int missing and >= 0) throw new InvalidOperationException($"test image {missing} has no prediction.");
            var loco = cat.Format == DatasetFormat.MvtecLoco ? DefectSaturation.FromCategory(cat) : null;
            int resized = 0, own = 0;
            var images = cat.Test.Select((s, i) =>
            {
                var e = ModelTestRun.Evaluated(trained.Detector.Method, s, predictions[i]!, loco is not null, out bool r, out bool o);
                resized += r ? 1 : 0;
                own += o ? 1 : 0;
                return e;
            }).ToArray();
            var input = new EvaluationInput(cat.Name, images, loco) { Notes = ModelTestRun.Notes(trained.Detector.Method, own, resized, images.Length) };
            foreach (string n in input.Notes) console.Info($"note: {n}", toStdout);
            var (node, summary, _) = console.RunWithProgress("metrics", p => EvalCommand.Evaluate(input, options with { Category = input.Category }, p), logToStderr: toStdout);
            node["method"] = trained.Detector.Method;
            if (trained.Rule is { } rule)
            {
                var stored = trained.Thresholds!;
                var entry = ThresholdReport.At(input.Images, rule).ToJsonNode();
                // As eval reports the stored threshold: with its bootstrap interval over the validation images.
                if (stored.PixelInterval is { } interval)
                {
                    entry["pixel_interval"] = interval.ToJson();
                    entry["validation_images"] = stored.ValidationImages;
                }
                node["thresholds"] = new JsonObject { [$"stored_{stored.Estimator}"] = entry };
            }
            node["cluster"] = outcome.ToJson();
            if (toStdout) console.WriteJson(node);
            else
            {
                foreach (string line in summary) console.Out.WriteLine(line);
                if (jsonPath is not null)
                {
                    console.WriteJson(node, jsonPath);
                    console.Info($"wrote {jsonPath}");
                }
            }
            return CliApp.Ok;
        });
        return cmd;
    }

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"];

    private static Command Predict(CliConsole console)
    {
        var common = new Common();
        var batch = new Batch("Images", 16);
        var model = new Option<string>("--model") { Description = "Fitted model (.inspecta) at a path every node reads.", Required = true };
        var input = new Option<string>("--input") { Description = "Image file or folder (searched recursively for PNG, JPEG, BMP, TIFF) at a path every node reads.", Required = true };
        var threshold = new Option<double?>("--threshold") { Description = "Pixel threshold of the verdict instead of the model's stored one." };
        var minArea = new Option<int?>("--min-defect-area") { Description = "Smallest defect region in pixels for the verdict (default: the model's)." };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone file or preset for a model moved from another machine." };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file, or to stdout when no file is given.", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("predict", "Score many images across the cluster: split into work items the silos predict; one line (score, verdict) per image, in input order.");
        common.AddTo(cmd);
        batch.AddTo(cmd);
        foreach (var o in new Option[] { model, input, threshold, minArea, backbone, json }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, cancel) =>
        {
            bool toStdout = parse.GetResult(json) is not null && parse.GetValue(json) is null;
            string? jsonPath = parse.GetValue(json);
            var (size, lease, timeout) = batch.Read(parse);
            if (jsonPath is not null) OutputPaths.RequireWritableFile(jsonPath, "--json");
            string modelPath = Path.GetFullPath(parse.GetValue(model)!), source = Path.GetFullPath(parse.GetValue(input)!);
            string[] files = File.Exists(source) ? [source]
                : Directory.Exists(source) ? [.. Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)]
                : throw InspectaUserException.ForFile(source, "--input does not exist.");
            if (files.Length == 0) throw InspectaUserException.ForFile(source, "--input holds no PNG, JPEG, BMP or TIFF images.");
            using (var trained = TrainedModel.Load(modelPath, new Persistence.ModelLoadOptions(parse.GetValue(backbone))))
                VerdictRule.Resolve(trained.Rule, parse.GetValue(threshold), parse.GetValue(minArea), Path.GetFileName(modelPath));   // bad overrides: said now
            var (db, id) = await common.OpenAsync(parse, console, cancel);
            await using var _ = db;
            var payloads = files.Chunk(size).Select(c => new JsonObject { ["files"] = new JsonArray([.. c.Select(f => (JsonNode)f)]) }).ToArray();
            var outcome = await RunJobAsync(console, db, id, "predict", PredictWork.Spec(modelPath, parse.GetValue(backbone), parse.GetValue(threshold), parse.GetValue(minArea)),
                payloads, lease, timeout, toStdout, cancel);
            var rows = outcome.Items.SelectMany(i => JsonNode.Parse(i.Result!)!.AsArray().Select(n => n!.DeepClone())).ToArray();
            int failed = rows.Count(r => r!["error"] is not null);
            var node = new JsonObject
            {
                ["model"] = modelPath, ["images"] = rows.Length, ["failed"] = failed,
                ["results"] = new JsonArray(rows), ["cluster"] = outcome.ToJson(),
            };
            if (toStdout) console.WriteJson(node);
            else
            {
                foreach (var r in rows)
                    console.Out.WriteLine(r!["error"] is { } e ? $"{r["image"]}  error: {e}"
                        : $"{r["image"]}  score {((double)r["score"]!).ToString("G6", CultureInfo.InvariantCulture)}  {(string?)r["verdict"] ?? "no verdict"}");
                if (jsonPath is not null) console.WriteJson(node, jsonPath);
            }
            if (failed > 0) console.Err.WriteLine($"{failed} of {rows.Length} images could not be scored (see their rows).");
            return failed > 0 ? CliApp.UserError : CliApp.Ok;
        });
        return cmd;
    }

    private static Command Fit(CliConsole console)
    {
        var common = new Common();
        var batch = new Batch("Categories", 1);
        var dataset = new Option<string>("--dataset") { Description = "Dataset root, at a path every node reads.", Required = true };
        var categories = new Option<string?>("--categories") { Description = "Comma-separated categories to fit (default: every category of the dataset)." };
        var method = new Option<string?>("--method") { Description = "Method id, fitted with its default options (or give --config)." };
        var config = new Option<string?>("--config") { Description = "JSON file with the method and its options ({\"method\": …, \"options\": {…}}), as `fit --config` reads." };
        var output = new Option<string>("--out") { Description = "Folder for <category>.inspecta, at a path every node writes (shared folder).", Required = true };
        var threads = new Option<int>("--threads") { Description = "Compute threads of each fit on its silo.", DefaultValueFactory = _ => 1 };
        var minArea = new Option<int?>("--min-defect-area") { Description = "Smallest defect area in pixels for the stored rule (default 0.1% of the image)." };
        var json = new Option<bool>("--json") { Description = "Print the fitted models as JSON." };
        var cmd = new Command("fit", "Fit one model per category across the cluster: each category is a work item a silo fits, writing <out>/<category>.inspecta atomically.");
        common.AddTo(cmd);
        batch.AddTo(cmd);
        foreach (var o in new Option[] { dataset, categories, method, config, output, threads, minArea, json }) cmd.Options.Add(o);
        cmd.SetAction(async (parse, cancel) =>
        {
            var (_, lease, timeout) = batch.Read(parse);
            var registry = MethodRegistry.Default;
            MethodConfig chosen = parse.GetValue(config) is { } file ? MethodConfig.ReadFile(file, registry)[0]
                : parse.GetValue(method) is { } given ? MethodConfig.Default(registry.Get(given))
                : throw new InspectaUserException($"Choose a method with --method ({string.Join(", ", registry.All.Select(d => d.Id))}) or --config <file>.");
            if (parse.GetValue(config) is not null && parse.GetValue(method) is { } named && named != chosen.Method.Id)
                throw new InspectaUserException($"--method {named} does not match the config's method {chosen.Method.Id}.");
            chosen.Method.Schema.Validate(chosen.Options);
            if (parse.GetValue(threads) < 1) throw new InspectaUserException($"--threads must be at least 1, got {parse.GetValue(threads)}.");
            string root = Path.GetFullPath(parse.GetValue(dataset)!), outDir = Path.GetFullPath(parse.GetValue(output)!);
            var ds = DatasetReader.Open(root);
            var names = parse.GetValue(categories) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [.. ds.AllNames];
            foreach (string n in names) ds.Get(n);   // unknown ones named now
            Directory.CreateDirectory(outDir);
            bool asJson = parse.GetValue(json);
            var (db, id) = await common.OpenAsync(parse, console, cancel);
            await using var _ = db;
            var outcome = await RunJobAsync(console, db, id, "fit", FitWork.Spec(root, chosen.ToJson(), outDir, parse.GetValue(threads), parse.GetValue(minArea)),
                [.. names.Select(n => new JsonObject { ["category"] = n })], lease, timeout, asJson, cancel);
            var models = outcome.Items.Select(i => JsonNode.Parse(i.Result!)!).ToArray();
            if (asJson) console.WriteJson(new JsonObject { ["models"] = new JsonArray(models), ["cluster"] = outcome.ToJson() });
            else
                foreach (var m in models)
                    console.Out.WriteLine($"{m["category"]}: saved {m["model"]} ({m["method"]}, fit {((double)m["fit_s"]!).ToString("F1", CultureInfo.InvariantCulture)} s, sha256 {((string)m["sha256"]!)[..12]}…)");
            return CliApp.Ok;
        });
        return cmd;
    }
}
