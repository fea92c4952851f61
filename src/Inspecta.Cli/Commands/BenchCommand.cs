using System.CommandLine;
using Inspecta.Datasets;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;
using Inspecta.Reporting.Benchmarking;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta bench</c>: fit → eval for each method and category; accuracy and efficiency side by side.</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "Dataset root or one category folder (MVTec AD, LOCO, 3D-AD, VisA, BTAD layouts are detected).", Required = true };
        var categories = new Option<string?>("--categories", "-c") { Description = "Comma-separated categories (default: all in the dataset)." };
        var methods = new Option<string?>("--methods", "-m") { Description = "Comma-separated method ids with their default options, e.g. patchcore,padim,variation (see `inspecta fit --help`)." };
        var configs = new Option<string[]>("--config") { Description = "JSON file of runs, each {\"method\": …, \"label\": …, \"options\": {…}} (one object or an array; keys as in model manifests), e.g. a method with non-default options; repeatable, runs after --methods.", AllowMultipleArgumentsPerToken = false };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone path or preset for every run whose method takes one." };
        var imageSize = new Option<int?>("--image-size") { Description = "Square input size for every run whose method takes --image-size (method default otherwise)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed for every run (default 0)." };
        var json = new Option<string?>("--json") { Description = "Write the full results (machine, command, rows) as JSON to this file (checked before the run starts)." };
        var markdown = new Option<string?>("--markdown") { Description = "Write the Markdown table (for docs/benchmarks.md) to this file (checked before the run starts)." };
        var keepModels = new Option<string?>("--keep-models") { Description = "Keep the fitted model files in this folder." };
        var readme = new Option<bool>("--readme") { Description = "Run what README.md's speed figures come from: PatchCore with its defaults (built-in resnet18, 224×224) at the 10 % and the 1 % coreset; give the bottle category as --dataset. The table says what the time columns include." };
        var threads = new Option<int?>("--threads") { Description = "Compute threads for methods that train a network, in fit and predict (default: one per core)." };
        var warmup = new Option<int>("--warmup") { Description = "Untimed predictions before measuring latency.", DefaultValueFactory = _ => 2 };

        var command = new Command("bench", "Benchmark methods: image/pixel AUROC, AU-PRO@0.3/0.05 (MVTec LOCO AD categories: structural/logical image AUROC and AU-sPRO, in a table of their own), " +
            "fit time, latency (median, p95), throughput, model size, peak memory. Exit code 2 when rows failed for reasons the user can fix, 1 for internal errors.");
        foreach (var o in new Option[] { dataset, categories, methods, configs, readme, backbone, imageSize, seed, json, markdown, keepModels, warmup, threads }) command.Options.Add(o);
        command.SetAction((parse, ct) => Task.FromResult(Execute(parse, ct)));
        int Execute(ParseResult parse, CancellationToken ct)
        {
            if (parse.GetValue(readme) && (parse.GetValue(methods) is not null || parse.GetValue(configs) is { Length: > 0 }))
                throw new InspectaUserException("--readme chooses the runs itself (README.md's speed figures); leave out --methods and --config.");
            var runs = Runs(parse.GetValue(methods), parse.GetValue(configs) ?? [], parse.GetValue(readme), parse.GetValue(backbone), parse.GetValue(imageSize), parse.GetValue(seed));
            if (parse.GetValue(threads) is < 1) throw new InspectaUserException($"--threads must be at least 1, got {parse.GetValue(threads)}.");
            if (parse.GetValue(warmup) < 0) throw new InspectaUserException("--warmup cannot be negative.");
            // The files are written after the whole run: a bad path must fail now, not lose the results.
            if (parse.GetValue(json) is string jsonOut) OutputPaths.RequireWritableFile(jsonOut, "--json");
            if (parse.GetValue(markdown) is string mdOut) OutputPaths.RequireWritableFile(mdOut, "--markdown");
            string? keep = parse.GetValue(keepModels);
            if (keep is not null) Directory.CreateDirectory(keep);
            string root = parse.GetValue(dataset)!;
            var wanted = parse.GetValue(categories) is string c ? Split(c) : null;
            var opened = DatasetReader.Open(root);
            if (wanted is null)
                opened.RequireAllReadable($"Choose readable categories with --categories ({string.Join(",", opened.Categories.Select(x => x.Name))}).");
            IReadOnlyList<Category> chosen = wanted is null ? opened.Categories : [.. wanted.Select(opened.Get)];
            // Each category in its layout's protocol (MVTec LOCO AD: AU-sPRO, structural/logical image AUROC).
            var cats = chosen.Select(BenchCategory.From).ToList();

            var options = new BenchOptions
            {
                Methods = runs,
                WarmupImages = parse.GetValue(warmup),
                WorkDirectory = keep,
                KeepModels = keep is not null,
                Threads = parse.GetValue(threads),
            };
            string line = "inspecta " + string.Join(' ', parse.Tokens.Select(t => t.Value.Contains(' ') ? $"\"{t.Value}\"" : t.Value));
            console.Info($"Benchmarking {runs.Count} run(s) on {cats.Count} categor{(cats.Count == 1 ? "y" : "ies")}: {string.Join(", ", cats.Select(x => x.Name))}");
            var report = console.RunWithProgress("bench", p => BenchRunner.Run(cats, options, line, p, ct));

            console.Out.Write(report.ToMarkdown());   // the result itself: printed even with --quiet, and before the files
            var failed = report.Rows.Where(r => r.Error is not null).ToList();
            foreach (var row in failed)
                console.Err.WriteLine($"{(row.ErrorIsUserError ? "error" : "internal error")}: {row.Method} on {row.Category}: {row.Error}");
            if (parse.GetValue(json) is string jsonPath) File.WriteAllText(jsonPath, report.ToJsonString() + Environment.NewLine);
            if (parse.GetValue(markdown) is string mdPath) File.WriteAllText(mdPath, report.ToMarkdown());
            // Exit 2 when every failure is the user's to fix (a method that does not fit the data, a bad option), 1 for a bug.
            return failed.Count == 0 ? CliApp.Ok : failed.All(r => r.ErrorIsUserError) ? CliApp.UserError : CliApp.InternalError;
        }
        return command;
    }

    /// <summary>
    /// The runs: each --methods id with its defaults, then every --config entry; --backbone, --image-size and --seed apply to
    /// every run whose method has that option (and are an error when none has it, rather than silently ignored).
    /// </summary>
    private static IReadOnlyList<MethodConfig> Runs(string? methodList, string[] configFiles, bool readme, string? backbone, int? imageSize, int? seed)
    {
        var registry = MethodRegistry.Default;
        var runs = new List<MethodConfig>(readme ? ReadmeBench.Runs(registry) : []);
        if (methodList is not null) runs.AddRange(Split(methodList).Select(id => MethodConfig.Default(registry.Get(id))));
        foreach (string file in configFiles) runs.AddRange(MethodConfig.ReadFile(file, registry));
        if (runs.Count == 0) throw new InspectaUserException("Name what to benchmark with --methods <id,id,…> and/or --config <file.json> (or --readme for README.md's speed figures).");
        if (runs.GroupBy(r => r.Label).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InspectaUserException($"'{twice.Key}' is benchmarked twice; give config entries their own \"label\".");
        var shared = new List<(string Name, object? Value)>();
        if (backbone is not null) shared.Add(("backbone", backbone));
        if (imageSize is not null) shared.Add(("image-size", imageSize));
        if (seed is not null) shared.Add(("seed", seed));
        foreach (var (name, value) in shared)
            if (!runs.Any(r => r.Method.Schema.Find(name) is not null))
                throw new InspectaUserException($"--{name} applies to none of the benchmarked methods ({string.Join(", ", runs.Select(r => r.Method.Id).Distinct())}).");
        return runs.Select(r =>
        {
            var values = shared.Select(s => (Option: r.Method.Schema.Find(s.Name), s.Value)).Where(v => v.Option is not null)
                .Select(v => (v.Option!, v.Value)).ToList();
            if (values.Count == 0) return r;
            var options = r.Method.Schema.With(r.Options, values);
            r.Method.Schema.Validate(options);
            return r with { Options = options };
        }).ToList();
    }

    private static List<string> Split(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
