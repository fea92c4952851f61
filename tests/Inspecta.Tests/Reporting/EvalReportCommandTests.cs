using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;
using Inspecta.Tests.Reporting.Benchmarking;

namespace Inspecta.Tests.Reporting;

/// <summary><c>inspecta eval … --report</c> and the eval JSON that <c>inspecta report</c> reads back.</summary>
public class EvalReportCommandTests
{
    /// <summary>Maps in the official layout: per-pixel distance to the flat background level.</summary>
    private static string WriteMaps(string datasetRoot, string mapsRoot, string category)
    {
        foreach (var s in DatasetReader.Open(datasetRoot).Get(category).Test)
        {
            var img = s.LoadImage();
            var map = new AnomalyMap(img.Height, img.Width);
            for (int i = 0; i < map.Data.Length; i++)
                map.Data[i] = MathF.Abs((img.Data[i] + img.Data[i + map.Data.Length] + img.Data[i + 2 * map.Data.Length]) / 3f - 0.425f);
            string path = Path.Combine(mapsRoot, category, "test", s.Label, s.Id + ".tiff");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            ImageIO.WriteTiff(path, map);
        }
        return mapsRoot;
    }

    private static string Row(string html, string metric) =>
        Regex.Match(html, $"<td>{Regex.Escape(metric)}</td><td class=\"v\">([^<]+)</td>").Groups[1].Value;

    [Fact]
    public void Eval_WithReport_WritesHtml_AndJsonThatReportRebuildsIdentically()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        string maps = WriteMaps(root, tmp["maps"], "alpha");

        var eval = CliRunner.Run("eval", "--dataset", root, "--category", "alpha", "--maps", maps, "--json", tmp["e.json"], "--report", tmp["e.html"], "--threshold", "0.2");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        Assert.Contains("Report: ", eval.Stdout);
        string html = File.ReadAllText(tmp["e.html"]);
        Assert.Equal(8, Regex.Matches(html, "<article ").Count);
        Assert.Contains("--threshold given", html);
        // Without a model or validation maps the given threshold is the rule (any pixel above it); the oracle stands beside it.
        Assert.Contains("defective iff any pixel scores above 0.2", html);
        Assert.Contains("oracle threshold", html);

        var json = JsonNode.Parse(File.ReadAllText(tmp["e.json"]))!;
        Assert.NotNull(json["image_auroc"]);   // the eval keys stay as they are
        var images = json["report_inputs"]!["images"]!.AsArray();
        Assert.Equal(8, images.Count);
        Assert.All(images, i => Assert.True(File.Exists(i!["map"]!.GetValue<string>())));

        var rebuilt = CliRunner.Run("report", tmp["e.json"], "--out", tmp["r.html"]);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        string again = File.ReadAllText(tmp["r.html"]);
        foreach (string metric in new[] { "image AUROC", "pixel AUROC", "AU-PRO@0.3", "AU-PRO@0.05", "decision rule threshold", "accuracy on good images", "oracle threshold" })
        {
            Assert.NotEqual("", Row(html, metric));
            Assert.Equal(Row(html, metric), Row(again, metric));
        }
        Assert.Equal(json["au_pro"]!["0.3"]!.GetValue<double>().ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), Row(html, "AU-PRO@0.3"));
    }

    [Fact]
    public void Eval_ReportWithValidationMaps_UsesCalibratedThresholds()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        string maps = WriteMaps(root, tmp["maps"], "alpha");
        // Good test maps double as validation maps here: the point is the wiring, not the calibration.
        string validation = tmp["val"];
        Directory.CreateDirectory(validation);
        foreach (string f in Directory.GetFiles(Path.Combine(maps, "alpha", "test", "good")))
            File.Copy(f, Path.Combine(validation, Path.GetFileName(f)));
        var eval = CliRunner.Run("eval", "--dataset", root, "--category", "alpha", "--maps", maps, "--validation-maps", validation,
            "--report", tmp["e.html"], "--no-full-size", "--quiet");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        Assert.DoesNotContain("Report: ", eval.Stdout);
        string html = File.ReadAllText(tmp["e.html"]);
        Assert.Contains("good validation maps", html);
        Assert.Matches("max_area_[0-9]+ on [0-9]+ good validation maps", html);
        Assert.Contains("decision rule threshold", html);
    }

    [Fact]
    public void Eval_OfAModel_WithReport_WritesCompressedPreviews_FloatMapsOnlyWithSaveMaps()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        var fit = CliRunner.Run("fit", "--dataset", root, "--category", "alpha", "--method", "variation", "--out", tmp["m.inspecta"], "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var eval = CliRunner.Run("eval", "--model", tmp["m.inspecta"], "--dataset", root, "--category", "alpha",
            "--json", tmp["e.json"], "--report", tmp["e.html"], "--no-full-size");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        // Without --save-maps: 8-bit PNG previews beside the report, on one recorded scale, their size said; no float maps.
        var test = DatasetReader.Open(root).Get("alpha").Test;
        Assert.All(test, s => Assert.True(File.Exists(Path.Combine(tmp["e_maps"], "alpha", "test", s.Label, s.Id + ".png")), s.Id));
        Assert.Empty(Directory.GetFiles(tmp["e_maps"], "*.tiff", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(tmp["e_maps"], "previews.json")));
        Assert.Matches(@"wrote \d+ map previews \(8-bit PNG, [0-9.]+ MB", eval.Stdout);
        Assert.Contains("--save-maps", eval.Stdout);
        var preview = ImageIO.ReadMask(Path.Combine(tmp["e_maps"], "alpha", "test", test[0].Label, test[0].Id + ".png"));
        Assert.Equal(test[0].ReadImageInfo().Width, preview.Width);
        Assert.Contains(tmp["m.inspecta"], File.ReadAllText(tmp["e.html"]));
        // The eval JSON cannot send `inspecta report` to previews: it says to use --save-maps.
        var refused = CliRunner.Run("report", tmp["e.json"], "--out", tmp["again.html"], "--no-full-size");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--save-maps", refused.Stderr);

        // With --save-maps: the float maps, and `inspecta report` renders the same numbers again.
        var full = CliRunner.Run("eval", "--model", tmp["m.inspecta"], "--dataset", root, "--category", "alpha",
            "--json", tmp["f.json"], "--report", tmp["f.html"], "--no-full-size", "--save-maps", tmp["float"]);
        Assert.True(full.ExitCode == 0, full.Stderr + full.Stdout);
        Assert.All(test, s => Assert.True(File.Exists(Path.Combine(tmp["float"], "alpha", "test", s.Label, s.Id + ".tiff")), s.Id));
        Assert.False(Directory.Exists(tmp["f_maps"]));
        var again = CliRunner.Run("report", tmp["f.json"], "--out", tmp["again.html"], "--no-full-size");
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
        string pixelAuroc = Row(File.ReadAllText(tmp["f.html"]), "pixel AUROC");
        Assert.NotEmpty(pixelAuroc);
        Assert.Equal(pixelAuroc, Row(File.ReadAllText(tmp["again.html"]), "pixel AUROC"));
        Assert.Equal(pixelAuroc, Row(File.ReadAllText(tmp["e.html"]), "pixel AUROC"));
    }
}
