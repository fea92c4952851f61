using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Cli.Demo;
using Spectre.Console;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta demo</c>: the first thing to run on a fresh machine — synthetic data, fit, evaluate, report.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        var workDir = new Option<string>("--work-dir") { Description = "Folder for the generated data and reports.", DefaultValueFactory = _ => "./inspecta-demo" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var count = new Option<int>("--count") { Description = "Good training images per category (smaller is faster).", DefaultValueFactory = _ => 24 };
        var size = new Option<int>("--size") { Description = "Side of the 2D images in pixels (the 3D scans use 3/4 of it).", DefaultValueFactory = _ => 256 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic data.", DefaultValueFactory = _ => 7UL };
        var backbone = new Option<string?>("--backbone") { Description = $"ONNX backbone for PatchCore and PaDiM (default: the built-in {DemoMethods.DefaultBackbone}, derived into the model cache on first use)." };
        var noReport = new Option<bool>("--no-report") { Description = "Skip the HTML reports." };
        var cmd = new Command("demo", "Generate a small synthetic 2D and 3D dataset, fit the default methods, evaluate them and write HTML reports. No network, no downloads.");
        foreach (var o in new Option[] { workDir, json, count, size, seed, backbone, noReport }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(count), side = parse.GetValue(size);
            if (n is < 4 or > 500) throw new InspectaUserException($"--count must be between 4 and 500, got {n}.");
            if (side is < 64 or > 1024) throw new InspectaUserException($"--size must be between 64 and 1024, got {side}.");
            bool asJson = parse.GetValue(json);
            var options = new DemoOptions(Path.GetFullPath(parse.GetValue(workDir)!))
            {
                Seed = parse.GetValue(seed), TrainCount = n, Size2D = side, Size3D = Math.Max(64, side * 3 / 4),
                Backbone = parse.GetValue(backbone), WriteReports = !parse.GetValue(noReport),
            };
            var runner = new DemoRunner(options);
            var plan = runner.Choose();
            console.Info($"Inspecta demo → {options.WorkDir}", asJson);
            console.Info($"  2D method:  {plan.Main2D.Method} — {plan.Main2D.Why}.", asJson);
            foreach (var m in plan.Extra2D) console.Info($"  also:       {m.Method} — {m.Why}.", asJson);
            if (plan.Baseline2D is not null) console.Info($"  baseline:   {plan.Baseline2D.Method} — {plan.Baseline2D.Why}.", asJson);
            console.Info(plan.Geometry3D.Count > 0
                ? $"  3D methods: {string.Join(", ", plan.Geometry3D.Select(m => m.Method))} on xyz, plus {plan.Rgb3D.Method} on RGB."
                : $"  3D scans:   {plan.Rgb3D.Method} on the RGB images (no 3D point-cloud method is registered in this build).", asJson);
            var sw = Stopwatch.StartNew();
            var rows = console.RunWithProgress("demo", p => runner.Run(plan, p), logToStderr: asJson);
            double total = sw.Elapsed.TotalSeconds;
            if (asJson)
            {
                console.WriteJson(new JsonObject
                {
                    ["work_dir"] = options.WorkDir,
                    ["seconds"] = Math.Round(total, 1),
                    ["backbone"] = plan.BackboneNote,
                    ["results"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["dataset"] = r.Dataset, ["method"] = r.Method, ["why"] = r.Why, ["data"] = r.Data,
                        ["metrics"] = r.Result.ToJsonNode(),
                        ["fit_seconds"] = Math.Round(r.FitSeconds, 2), ["predict_ms_per_image"] = Math.Round(r.PredictMillisecondsPerImage, 1),
                        ["report"] = r.ReportPath,
                    }).ToArray()),
                });
                return CliApp.Ok;
            }
            // The results table and report paths are the command's result: printed even with --quiet (as bench does).
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Inspecta demo results[/]")
                .AddColumn("Dataset").AddColumn("Method").AddColumn(new TableColumn("I-AUROC").RightAligned())
                .AddColumn(new TableColumn("P-AUROC").RightAligned()).AddColumn(new TableColumn("AU-PRO").RightAligned())
                .AddColumn(new TableColumn("Fit").RightAligned()).AddColumn(new TableColumn("Predict").RightAligned());
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Dataset), Markup.Escape(r.Method), Metric(r.Result.ImageAuroc), Metric(r.Result.PixelAuroc),
                    Metric(r.Result.AuProAtDefaultLimit), $"{r.FitSeconds:F1} s", $"{r.PredictMillisecondsPerImage:F0} ms");
            console.Ansi.Write(table);
            foreach (var r in rows.Where(r => r.ReportPath is not null)) console.Out.WriteLine($"Report: {r.ReportPath}");
            if (console.Quiet) return CliApp.Ok;
            console.Out.WriteLine("I-/P-AUROC: image- and pixel-level AUROC; AU-PRO: area under the PRO curve up to 30% FPR; Predict: per image.");
            console.Out.WriteLine($"Data:   {Path.Combine(options.WorkDir, "data")}");
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {total:F0} s. Next: `inspecta synth 2d --out my-data` for more synthetic data, or fit on your own images."));
            return CliApp.Ok;
        });
        return cmd;
    }

    private static string Metric(double v) => double.IsNaN(v) ? "–" : v.ToString("0.000", CultureInfo.InvariantCulture);
}
