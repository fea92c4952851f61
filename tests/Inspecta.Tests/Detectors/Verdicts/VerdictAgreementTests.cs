using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Verdicts;

/// <summary>
/// predict, eval, the HTML report and bench call the same images defective: one rule (VerdictRule), image by image,
/// on a synthetic plain-folder dataset and on real bottle images.
/// </summary>
public partial class VerdictAgreementTests
{
    [Fact]
    public void PredictEvalReportAndBenchAgreeOnASyntheticFolderDataset()
    {
        using var tmp = new TempDir();
        string cat = SpotFolderDataset.Write(tmp["data"]);
        var verdicts = AllVerdicts(tmp, tmp["data"], "spots", cat, ["--method", "variation"], ["--methods", "variation"]);
        // Not a trivial agreement: both verdicts occur, and the tiniest spots stay below the minimum defect area.
        Assert.Contains(verdicts.Values, v => v);
        Assert.Contains(verdicts.Values, v => !v);
        Assert.Contains(verdicts, kv => kv.Key.StartsWith("spot/", StringComparison.Ordinal) && !kv.Value);
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void PredictEvalReportAndBenchAgreeOnRealBottle()
    {
        using var tmp = new TempDir();
        string root = BottleSubset(tmp);
        string squeeze = Path.Combine(SharedData.ModelsDir, "squeezenet1_1_imagenet_features.onnx");
        string[] options = ["--backbone", squeeze, "--image-size", "128"];
        var config = tmp["patchcore.json"];
        var run = new JsonObject { ["method"] = "patchcore", ["label"] = "patchcore", ["options"] = new JsonObject { ["backbone"] = squeeze, ["image_size"] = 128 } };
        File.WriteAllText(config, run.ToJsonString());
        var verdicts = AllVerdicts(tmp, root, "bottle", Path.Combine(root, "bottle", "test"), ["--method", "patchcore", .. options], ["--config", config]);
        Assert.Contains(verdicts, kv => kv.Key.StartsWith("broken_large/", StringComparison.Ordinal) && kv.Value);
    }

    /// <summary>Fits, then collects the verdict per test image from predict, eval --json, the report and bench; asserts they agree.</summary>
    private static Dictionary<string, bool> AllVerdicts(TempDir tmp, string root, string category, string predictInput, string[] fitOptions, string[] benchOptions)
    {
        var fit = CliRunner.Run(["fit", "--dataset", root, "--category", category, .. fitOptions, "--out", tmp["m.inspecta"], "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        int area = JsonNode.Parse(fit.Stdout)!["thresholds"]!["min_defect_area"]!.GetValue<int>();

        var eval = CliRunner.Run("eval", "--model", tmp["m.inspecta"], "--dataset", root, "--category", category, "--json", tmp["eval.json"], "--report", tmp["report.html"], "--no-full-size");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        var evalJson = JsonNode.Parse(File.ReadAllText(tmp["eval.json"]))!;
        var fromEval = evalJson["verdicts"]!["images"]!.AsArray().ToDictionary(
            i => $"{i!["label"]!.GetValue<string>()}/{i["id"]!.GetValue<string>()}", i => i!["defective"]!.GetValue<bool>());
        Assert.Equal(area, evalJson["verdicts"]!["rule"]!["min_defect_area"]!.GetValue<int>());

        var predict = CliRunner.Run("predict", "--model", tmp["m.inspecta"], "--input", predictInput, "--out", tmp["predicted"]);
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        var images = JsonNode.Parse(File.ReadAllText(tmp["predicted/scores.json"]))!["images"]!.AsArray();
        var fromPredict = images.ToDictionary(i => i!["id"]!.GetValue<string>().Replace('\\', '/'), i => i!["defective"]!.GetValue<bool>());
        // The verdict is the rule on the written mask: a region of at least the stored area.
        foreach (var i in images) Assert.Equal(i!["largest_region"]!.GetValue<int>() >= area, i["defective"]!.GetValue<bool>());

        string html = File.ReadAllText(tmp["report.html"]);
        var fromReport = ArticleRegex().Matches(html).ToDictionary(m => $"{m.Groups["label"].Value}/{m.Groups["id"].Value}", m => m.Groups["d"].Value == "1");

        var bench = CliRunner.Run(["bench", "--dataset", root, "--categories", category, .. benchOptions, "--json", tmp["bench.json"], "--warmup", "0"]);
        Assert.True(bench.ExitCode == 0, bench.Stderr + bench.Stdout);
        var row = JsonNode.Parse(File.ReadAllText(tmp["bench.json"]))!["rows"]![0]!;
        Assert.Null(row["error"]);
        var fromBench = row["verdicts"]!.AsArray().ToDictionary(i => $"{i!["label"]!.GetValue<string>()}/{i["id"]!.GetValue<string>()}", i => i!["defective"]!.GetValue<bool>());

        Assert.NotEmpty(fromEval);
        foreach (var (key, defective) in fromEval)
        {
            // predict over a whole category folder also scores the training images: only the test ones are compared.
            Assert.True(fromPredict.TryGetValue(key, out bool p), $"predict has no {key}");
            Assert.True(p == defective, $"{key}: eval says {defective}, predict {p}");
            Assert.True(fromReport[key] == defective, $"{key}: eval says {defective}, the report {fromReport[key]}");
            Assert.True(fromBench[key] == defective, $"{key}: eval says {defective}, bench {fromBench[key]}");
        }
        Assert.Equal(fromEval.Count, fromReport.Count);
        Assert.Equal(fromEval.Count, fromBench.Count);
        // eval's stored-rule accuracy is the share of those verdicts that are right.
        var stored = evalJson["thresholds"]!.AsObject().First(kv => kv.Key.StartsWith("stored_", StringComparison.Ordinal)).Value!;
        var good = fromEval.Where(kv => kv.Key.StartsWith("good/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(good.Count(kv => !kv.Value) / (double)good.Length, stored["good_accuracy"]!.GetValue<double>(), 9);
        Assert.Equal(row["good_accuracy"]!.GetValue<double>(), stored["good_accuracy"]!.GetValue<double>(), 6);
        // The report shows the stored rule, and the test-optimal threshold only as an oracle.
        Assert.Contains("decision rule threshold", html, StringComparison.Ordinal);
        Assert.Contains("oracle threshold", html, StringComparison.Ordinal);
        return fromEval;
    }

    /// <summary>bottle: 20 train images, 5 good and 5 broken_large test images with masks.</summary>
    private static string BottleSubset(TempDir tmp)
    {
        string src = SharedData.BottleDir, dst = tmp["mvtec"];
        void Copy(string rel, int count)
        {
            var files = Directory.GetFiles(Path.Combine(src, rel), "*.png").Order(StringComparer.Ordinal).Take(count);
            Directory.CreateDirectory(Path.Combine(dst, "bottle", rel));
            foreach (var f in files) File.Copy(f, Path.Combine(dst, "bottle", rel, Path.GetFileName(f)));
        }
        Copy("train/good", 20);
        Copy("test/good", 5);
        Copy("test/broken_large", 5);
        Copy("ground_truth/broken_large", 5);
        return dst;
    }

    [GeneratedRegex("<article class=\"item [a-z-]+\" data-label=\"(?<label>[^\"]+)\" data-id=\"(?<id>[^\"]+)\" data-defective=\"(?<d>[01])\"")]
    private static partial Regex ArticleRegex();
}
