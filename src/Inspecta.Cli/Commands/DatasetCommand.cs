using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Spectre.Console;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta dataset …</c>: inspect datasets on disk.</summary>
internal static class DatasetCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("dataset", "Inspect datasets on disk (MVTec AD, LOCO, 3D-AD, VisA, BTAD, folders).");
        command.Subcommands.Add(Info(console));
        return command;
    }

    private static Command Info(CliConsole console)
    {
        var path = new Argument<string>("path") { Description = "A dataset root (several categories) or one category folder." };
        var format = FormatOption();
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"format\", \"categories\": {name: {train, validation, test: {label: count}, image_size: [height, width], channels, format, …}}, \"unreadable\": {name: {path, error}} (only when some category folder cannot be read)}; \"format\" is \"mixed\" when the categories use different layouts." };
        var maxMasks = new Option<int>("--max-masks")
        {
            Description = "Read at most this many ground-truth masks per category for the GT pixel fraction (evenly spaced sample beyond it).",
            DefaultValueFactory = _ => DatasetSummary.DefaultMaxMasks,
        };
        var seed = new Option<int>("--validation-seed") { Description = "Seed of the 10% validation carve for layouts without a validation folder.", DefaultValueFactory = _ => 0 };
        var category = new Option<string?>("--category") { Description = "Only this category of a dataset root (the others are not summarised)." };
        var cmd = new Command("info", "Categories, split counts, defect types, image sizes and channels, and the fraction of ground-truth pixels. " +
            "Each category folder's layout is detected on its own; folders that cannot be read are listed on stderr (exit code 2) after the readable ones.")
        {
            path, format, json, maxMasks, seed, category,
        };
        cmd.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            int max = parse.GetValue(maxMasks);
            if (max < 0) throw new InspectaUserException("--max-masks must be ≥ 0.");
            var dataset = DatasetReader.Open(parse.GetValue(path)!, ParseFormat(parse.GetValue(format)), parse.GetValue(seed));
            if (parse.GetValue(category) is string only)
                dataset = dataset with { Categories = [dataset.Get(only)], Unreadable = [] };
            var summaries = console.RunWithProgress("dataset info",
                p => dataset.Categories.Select(c => DatasetSummary.Summarize(c, max, p)).ToList(), logToStderr: true);
            if (asJson) console.WriteJson(ToJson(dataset, summaries));
            else PrintTable(console, dataset, summaries);
            // The readable categories are listed above; the broken ones are errors, named with their folder.
            foreach (var u in dataset.Unreadable)
                console.Err.WriteLine($"error: category '{u.Name}' cannot be read: {u.Problem}");
            if (dataset.Unreadable.Count == 0) return CliApp.Ok;
            console.Err.WriteLine($"{dataset.Unreadable.Count} category folder(s) could not be read; the others can still be used (e.g. --category {dataset.Categories[0].Name}).");
            return CliApp.UserError;
        });
        return cmd;
    }

    /// <summary>The shared <c>--format</c> option (auto-detected when omitted).</summary>
    internal static Option<string?> FormatOption() => new("--format")
    {
        Description = $"Dataset layout: {string.Join(", ", Enum.GetValues<DatasetFormat>().Select(f => f.ToName()))} (default: auto-detect).",
    };

    internal static DatasetFormat? ParseFormat(string? text) => string.IsNullOrWhiteSpace(text) ? null : DatasetFormatNames.Parse(text);

    private static JsonObject ToJson(Dataset dataset, IReadOnlyList<CategorySummary> summaries)
    {
        var categories = new JsonObject();
        foreach (var s in summaries)
        {
            var size = s.PrimarySize;
            var test = new JsonObject();
            foreach (var (label, count) in s.Test) test[label] = count;
            var o = new JsonObject
            {
                ["train"] = s.Train,
                ["validation"] = s.Validation,
                ["test"] = test,
                ["image_size"] = size is { } z0 ? new JsonArray(z0.Height, z0.Width) : null,
                ["channels"] = size?.Channels,
                ["bit_depth"] = s.BitDepth,
                ["validation_carved"] = s.ValidationCarved,
            };
            if (s.Sizes.Count > 1)
                o["image_sizes"] = new JsonArray(s.Sizes.Select(z => (JsonNode)new JsonObject
                {
                    ["image_size"] = new JsonArray(z.Height, z.Width), ["channels"] = z.Channels, ["count"] = z.Count,
                }).ToArray());
            o["gt_pixel_fraction"] = s.GtPixelFraction;
            var byType = new JsonObject();
            foreach (var (label, f) in s.GtPixelFractionByType) byType[label] = f;
            o["gt_pixel_fraction_by_type"] = byType;
            o["gt_masks_read"] = s.MasksRead;
            o["defect_images"] = s.DefectImages;
            if (s.ChannelTypes is { } ct)
            {
                var channels = new JsonObject();
                foreach (var (name, count) in ct) channels[name] = count;
                o["gt_channels_by_defect_type"] = channels;
            }
            o["format"] = s.Format.ToName();
            categories[s.Name] = o;
        }
        var root = new JsonObject { ["format"] = dataset.FormatName, ["categories"] = categories };
        if (dataset.Unreadable.Count > 0)
        {
            var unreadable = new JsonObject();
            foreach (var u in dataset.Unreadable) unreadable[u.Name] = new JsonObject { ["path"] = u.Path, ["error"] = u.Problem };
            root["unreadable"] = unreadable;
        }
        return root;
    }

    private static void PrintTable(CliConsole console, Dataset dataset, IReadOnlyList<CategorySummary> summaries)
    {
        string formats = dataset.Format is { } single ? single.ToName()
            : "mixed (" + string.Join("; ", dataset.Categories.GroupBy(c => c.Format).OrderBy(g => g.Key.ToName(), StringComparer.Ordinal)
                .Select(g => $"{g.Key.ToName()}: {string.Join(", ", g.Select(c => c.Name))}")) + ")";
        console.Out.WriteLine($"{dataset.Root}: {formats}, {summaries.Count} categor{(summaries.Count == 1 ? "y" : "ies")}");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("category").AddColumn(new TableColumn("train").RightAligned()).AddColumn(new TableColumn("validation").RightAligned())
            .AddColumn(new TableColumn("test good").RightAligned()).AddColumn("test defects").AddColumn("size (h×w×c)")
            .AddColumn(new TableColumn("GT pixels").RightAligned());
        foreach (var s in summaries)
        {
            var defects = s.Test.Where(kv => kv.Key != Sample.GoodLabel).Select(kv => $"{kv.Key} {kv.Value}");
            string sizes = string.Join(", ", s.Sizes.Take(3).Select(z => $"{z.Height}×{z.Width}×{z.Channels}")) + (s.Sizes.Count > 3 ? $" (+{s.Sizes.Count - 3})" : "");
            string gt = s.GtPixelFraction is { } f
                ? f.ToString("P2", CultureInfo.InvariantCulture) + (s.GtSampled ? $" ({s.MasksRead}/{s.DefectImages} masks)" : "")
                : s.DefectImages > 0 ? "no masks" : "–";
            table.AddRow(
                Markup.Escape(s.Name),
                s.Train.ToString(CultureInfo.InvariantCulture),
                s.Validation.ToString(CultureInfo.InvariantCulture) + (s.ValidationCarved ? " (carved)" : ""),
                s.Test.GetValueOrDefault(Sample.GoodLabel).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("\n", defects)),
                sizes,
                gt);
        }
        // Redirected output has no terminal width; Spectre would assume 80 columns and wrap names mid-word.
        if (!console.Interactive) console.Ansi.Profile.Width = Math.Max(console.Ansi.Profile.Width, 120);
        console.Ansi.Write(table);
        foreach (var s in summaries.Where(s => s.ChannelTypes is { Count: > 0 }))
            console.Out.WriteLine($"{s.Name}: ground-truth channels by defect type: {string.Join(", ", s.ChannelTypes!.Select(kv => $"{kv.Key} {kv.Value}"))}");
    }
}
