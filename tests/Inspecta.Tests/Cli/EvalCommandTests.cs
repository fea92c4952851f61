using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Reporting;
using Inspecta.Tests.Evaluation;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>End-to-end <c>inspecta eval</c> on the golden folders (official layouts) and its error paths.</summary>
public class EvalCommandTests
{
    private static string MvtecDataset => Path.Combine(GoldenData.MvtecDir, "dataset");
    private static string MvtecMaps => Path.Combine(GoldenData.MvtecDir, "anomaly_maps");
    private static JsonNode Expected(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")))!;
    private static double Limit(string key) => double.Parse(key, CultureInfo.InvariantCulture);

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void MvtecStyleJsonMatchesTheOfficialNumbers()
    {
        using var tmp = new TempDir();
        string json = tmp["metrics.json"];
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", MvtecMaps, "--pro-thresholds", "100", "--json", json);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("AU-PRO", r.Stdout);

        var expected = Expected(GoldenData.MvtecDir);
        var node = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        // The metric keys come first, in the agreed order; the only extra key is the report's per-image
        // section (written when the JSON goes to a file, so `inspecta report` can rebuild the gallery).
        Assert.Equal(["category", "n_images", "n_regions", "image_auroc", "pixel_auroc", "pixel_ap", "au_pro", "image_f1_max", "pixel_f1_max", "au_pro_equidistant", ReportManifest.JsonKey],
            node.Select(kv => kv.Key).ToArray());
        Assert.Equal("toy", (string)node["category"]!);
        Assert.Equal(14, (int)node["n_images"]!);
        Assert.Equal((int)expected["num_regions_8_connectivity"]!, (int)node["n_regions"]!);
        Assert.Equal((double)expected["image_auroc"]!, (double)node["image_auroc"]!, 1e-6);
        Assert.Equal((double)expected["pixel_auroc"]!, (double)node["pixel_auroc"]!, 1e-6);
        Assert.Equal((double)expected["pixel_average_precision"]!, (double)node["pixel_ap"]!, 1e-6);
        Assert.Equal(["0.01", "0.05", "0.1", "0.3", "1.0"], node["au_pro"]!.AsObject().Select(kv => kv.Key).ToArray());
        foreach (var (key, value) in expected["au_pro"]!.AsObject())
            Assert.Equal((double)value!, (double)node["au_pro"]![key]!, 1e-6);
        foreach (var (key, value) in expected["au_pro_equidistant_100_thresholds"]!.AsObject())
            Assert.Equal((double)value!, (double)node["au_pro_equidistant"]![key]!, 1e-6);
        Assert.InRange((double)node["image_f1_max"]!, 0.5, 1.0);
        Assert.InRange((double)node["pixel_f1_max"]!, 0.0, 1.0);
    }

    [SharedFact("golden", "metrics", "loco_style")]
    public void LocoStyleJsonMatchesTheOfficialNumbers()
    {
        var r = CliRunner.Run("eval", "--dataset", Path.Combine(GoldenData.LocoDir, "dataset"), "--category", "toy_loco",
            "--maps", Path.Combine(GoldenData.LocoDir, "anomaly_maps"), "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var node = JsonNode.Parse(r.Stdout)!;
        var expected = Expected(GoldenData.LocoDir);
        foreach (var (type, key) in new[] { ("structural", "structural_anomalies"), ("logical", "logical_anomalies"), ("mean", "mean") })
        {
            Assert.Equal((double)expected["classification"]!["auc_roc"]![key]!, (double)node["image_auroc"]![type]!, 1e-9);
            foreach (var (limit, value) in expected["localization"]!["auc_spro"]![key]!.AsObject())
                Assert.Equal((double)value!, (double)node["au_spro"]![type]![limit]!, 2e-3);
        }
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void CustomLimitsAndCurves()
    {
        using var tmp = new TempDir();
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", MvtecMaps, "--limits", "0.05,0.3", "--curves", tmp["curves"], "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var node = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(["0.05", "0.3"], node["au_pro"]!.AsObject().Select(kv => kv.Key).ToArray());
        foreach (string name in new[] { "pro", "pixel_roc", "pixel_pr", "image_roc" })
            Assert.True(File.Exists(tmp[$"curves/{name}.csv"]), name);
        Assert.True(File.Exists(tmp["curves/curves.json"]));
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void ThresholdsCalibratedOnGoodMapsAreReported()
    {
        string goodMaps = Path.Combine(MvtecMaps, "toy", "test", "good");
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", MvtecMaps, "--validation-maps", goodMaps, "--threshold", "1.5", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var t = JsonNode.Parse(r.Stdout)!["thresholds"]!.AsObject();
        Assert.Equal(["given", "max", "quantile_0.99", "k_sigma_3", "max_area_7"], t.Select(kv => kv.Key).ToArray()); // 0.1% of 96×72 → 7 px
        // The max of the good maps flags no good test image (they are the same maps here); the lower quantile
        // threshold flags more anomaly-free pixels.
        Assert.Equal(1.0, (double)t["max"]!["good_accuracy"]!);
        Assert.True((double)t["max"]!["pixel_fpr"]! < (double)t["quantile_0.99"]!["pixel_fpr"]!);
        Assert.Equal(1.5, (double)t["given"]!["threshold"]!);
        double max = (double)t["max"]!["threshold"]!, q = (double)t["quantile_0.99"]!["threshold"]!, area = (double)t["max_area_7"]!["threshold"]!;
        Assert.True(q < max && area <= max, $"quantile {q}, max-area {area}, max {max}");
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void SmallerMapsAreResizedAndTheOutputSaysSo()
    {
        using var tmp = new TempDir();
        foreach (string src in Directory.GetFiles(Path.Combine(MvtecMaps, "toy", "test"), "*.tiff", SearchOption.AllDirectories))
        {
            var map = GoldenData.ReadMap(src);
            int h = map.Height / 2, w = map.Width / 2;
            var half = new float[h * w];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) half[y * w + x] = map[2 * y, 2 * x];
            TestTiff.WriteFloat(Path.Combine(tmp.Path, Path.GetRelativePath(MvtecMaps, src)), h, w, half);
        }
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", tmp.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("resized bilinearly to the ground-truth size 96×72", r.Stdout);
    }

    private static string CopyMaps(TempDir tmp)
    {
        string root = tmp["maps"];
        foreach (string src in Directory.GetFiles(MvtecMaps, "*.tiff", SearchOption.AllDirectories))
        {
            string dst = Path.Combine(root, Path.GetRelativePath(MvtecMaps, src));
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Copy(src, dst);
        }
        return root;
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void MissingMapsAreAllListed()
    {
        using var tmp = new TempDir();
        string maps = CopyMaps(tmp);
        File.Delete(Path.Combine(maps, "toy", "test", "crack", "003.tiff"));
        File.Delete(Path.Combine(maps, "toy", "test", "good", "001.tiff"));
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", maps);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("2 of 14", r.Stderr);
        Assert.Contains(Path.Combine("crack", "003.tiff"), r.Stderr);
        Assert.Contains(Path.Combine("good", "001.tiff"), r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void NonFiniteMapIsNamed()
    {
        using var tmp = new TempDir();
        string maps = CopyMaps(tmp);
        string bad = Path.Combine(maps, "toy", "test", "hole", "002.tiff");
        var map = GoldenData.ReadMap(bad);
        map.Data[5] = float.PositiveInfinity;
        TestTiff.WriteFloat(bad, map.Height, map.Width, map.Data);
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", maps);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(bad, r.Stderr);
        Assert.Contains("non-finite", r.Stderr);
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void UnreadableTiffIsNamed()
    {
        using var tmp = new TempDir();
        string maps = CopyMaps(tmp);
        string bad = Path.Combine(maps, "toy", "test", "good", "004.tiff");
        File.WriteAllText(bad, "this is not a TIFF");
        var r = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", maps);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(bad, r.Stderr);
    }

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void BadOptionsAreUserErrors()
    {
        Assert.Equal(2, CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "nope", "--maps", MvtecMaps).ExitCode);
        var limits = CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", MvtecMaps, "--limits", "0.3,2");
        Assert.Equal(2, limits.ExitCode);
        Assert.Contains("outside (0, 1]", limits.Stderr);
        Assert.Equal(2, CliRunner.Run("eval", "--dataset", MvtecDataset, "--category", "toy", "--maps", "/nonexistent/maps").ExitCode);
        Assert.Equal(2, CliRunner.Run("eval", "--category", "toy", "--maps", MvtecMaps).ExitCode); // --dataset is required
    }

    [Fact]
    public void HelpDescribesTheCommand()
    {
        var r = CliRunner.Run("eval", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--pro-thresholds", r.Stdout);
        Assert.Contains("--curves", r.Stdout);
    }
}
