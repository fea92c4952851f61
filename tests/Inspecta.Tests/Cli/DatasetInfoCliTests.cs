using System.Text.Json.Nodes;
using Inspecta.Tests.Datasets;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

public class DatasetInfoCliTests
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void BottleJsonHasTheAgreedKeysAndCounts()
    {
        var r = CliRunner.Run("dataset", "info", SharedData.BottleDir, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.Equal("mvtec_ad", (string)root["format"]!);
        var bottle = root["categories"]!["bottle"]!.AsObject();
        Assert.Equal(188, (int)bottle["train"]!);
        Assert.Equal(21, (int)bottle["validation"]!);
        var test = bottle["test"]!.AsObject();
        Assert.Equal(["good", "broken_large", "broken_small", "contamination"], test.Select(kv => kv.Key));
        Assert.Equal([20, 20, 22, 21], test.Select(kv => (int)kv.Value!));
        Assert.Equal([900, 900], bottle["image_size"]!.AsArray().Select(v => (int)v!));
        Assert.Equal(3, (int)bottle["channels"]!);
        double fraction = (double)bottle["gt_pixel_fraction"]!;
        Assert.InRange(fraction, 0.01, 0.5);
        Assert.Equal(63, (int)bottle["gt_masks_read"]!);
        // the overall fraction lies between the per-type ones
        var byType = bottle["gt_pixel_fraction_by_type"]!.AsObject().Select(kv => (double)kv.Value!).ToList();
        Assert.InRange(fraction, byType.Min(), byType.Max());
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void BottlePlainOutputIsATable()
    {
        var r = CliRunner.Run("dataset", "info", SharedData.BottleDir);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("mvtec_ad", r.Stdout);
        Assert.Contains("bottle", r.Stdout);
        Assert.Contains("188", r.Stdout);
        Assert.Contains("21 (carved)", r.Stdout);
        Assert.Contains("broken_small 22", r.Stdout);
        Assert.Contains("900×900×3", r.Stdout);
    }

    [Fact]
    public void SyntheticRootListsEveryCategoryWithItsChannelsAndMaskFraction()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "widget");
        SyntheticDatasets.MvtecAd(dir.Path, "screw", train: 5, channels: 1);
        var r = CliRunner.Run("dataset", "info", dir.Path, "--json", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr); // --quiet: no progress lines
        var cats = JsonNode.Parse(r.Stdout)!["categories"]!.AsObject();
        Assert.Equal(["screw", "widget"], cats.Select(kv => kv.Key));
        Assert.Equal(1, (int)cats["screw"]!["channels"]!);
        Assert.Equal(3, (int)cats["widget"]!["channels"]!);
        Assert.Equal([SyntheticDatasets.H, SyntheticDatasets.W], cats["widget"]!["image_size"]!.AsArray().Select(v => (int)v!));
        Assert.Equal((9, 1), ((int)cats["widget"]!["train"]!, (int)cats["widget"]!["validation"]!));
        // masks of 4, 8 and 12 pixels over three 6×8 images
        Assert.Equal(24.0 / (3 * 48), (double)cats["widget"]!["gt_pixel_fraction"]!, 12);

        var sampled = CliRunner.Run("dataset", "info", Path.Combine(dir.Path, "widget"), "--json", "--max-masks", "1");
        var w = JsonNode.Parse(sampled.Stdout)!["categories"]!["widget"]!;
        Assert.Equal((1, 3), ((int)w["gt_masks_read"]!, (int)w["defect_images"]!));
        Assert.Equal(4.0 / 48, (double)w["gt_pixel_fraction"]!, 12);
    }

    [Fact]
    public void LocoReportsChannelsPerDefectTypeAndExplicitFormatWorks()
    {
        using var dir = new TempDir();
        string cat = SyntheticDatasets.Loco(dir.Path);
        var r = CliRunner.Run("dataset", "info", cat, "--format", "mvtec_loco", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var o = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("mvtec_loco", (string)o["format"]!);
        var boxes = o["categories"]!["boxes"]!;
        Assert.False((bool)boxes["validation_carved"]!);
        Assert.Equal(2, (int)boxes["validation"]!);
        Assert.Equal(1, (int)boxes["gt_channels_by_defect_type"]!["missing_box"]!);
        Assert.Equal(2, (int)boxes["gt_channels_by_defect_type"]!["scratch"]!);
    }

    [Fact]
    public void UserErrorsExitWithCode2AndAMessage()
    {
        string missing = Path.Combine(Path.GetTempPath(), "inspecta-cli-missing-dataset");
        var r = CliRunner.Run("dataset", "info", missing);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(missing, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace

        using var dir = new TempDir();
        string cat = SyntheticDatasets.MvtecAd(dir.Path);
        r = CliRunner.Run("dataset", "info", cat, "--format", "coco");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown dataset format 'coco'", r.Stderr);

        r = CliRunner.Run("dataset", "info", cat, "--format", "btad");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a btad dataset", r.Stderr);

        File.WriteAllText(Path.Combine(cat, "ground_truth", "crack", "001_mask.png"), "garbage");
        File.WriteAllText(Path.Combine(cat, "ground_truth", "crack", "002_mask.png"), "more garbage"); // two failures in parallel: still one clean user error
        r = CliRunner.Run("dataset", "info", cat, "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("001_mask.png", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void MixedRootListsEveryCategoryWithItsOwnFormat()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "widget");
        SyntheticDatasets.Loco(dir.Path, "boxes");
        var r = CliRunner.Run("dataset", "info", dir.Path, "--json", "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var o = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("mixed", (string)o["format"]!);
        Assert.Equal("mvtec_loco", (string)o["categories"]!["boxes"]!["format"]!);
        Assert.Equal("mvtec_ad", (string)o["categories"]!["widget"]!["format"]!);
        Assert.Equal(2, (int)o["categories"]!["boxes"]!["gt_channels_by_defect_type"]!["scratch"]!);
        Assert.Null(o["unreadable"]);

        var table = CliRunner.Run("dataset", "info", dir.Path);
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("mixed (mvtec_ad: widget; mvtec_loco: boxes), 2 categories", table.Stdout);
    }

    [Fact]
    public void ABrokenCategoryIsReportedWhileTheOthersAreListedAndSelectable()
    {
        using var dir = new TempDir();
        SyntheticDatasets.MvtecAd(dir.Path, "widget");
        string gadget = SyntheticDatasets.MvtecAd(dir.Path, "gadget");
        File.Delete(Path.Combine(gadget, "ground_truth", "crack", "002_mask.png"));

        var r = CliRunner.Run("dataset", "info", dir.Path, "--json", "-q");
        Assert.Equal(2, r.ExitCode);
        var o = JsonNode.Parse(r.Stdout)!;   // the readable categories are still listed
        Assert.Equal("mvtec_ad", (string)o["format"]!);
        Assert.Equal(["widget"], o["categories"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(gadget, (string)o["unreadable"]!["gadget"]!["path"]!);
        Assert.Contains("002.png", (string)o["unreadable"]!["gadget"]!["error"]!);
        Assert.Contains("error: category 'gadget' cannot be read", r.Stderr);
        Assert.Contains(Path.Combine(gadget, "test", "crack", "002.png"), r.Stderr);

        var table = CliRunner.Run("dataset", "info", dir.Path);
        Assert.Equal(2, table.ExitCode);
        Assert.Contains("widget", table.Stdout);
        Assert.Contains("gadget", table.Stderr);

        var healthy = CliRunner.Run("dataset", "info", dir.Path, "--category", "widget", "--json", "-q");
        Assert.True(healthy.ExitCode == 0, healthy.Stderr);
        Assert.Equal(["widget"], JsonNode.Parse(healthy.Stdout)!["categories"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("", healthy.Stderr);

        var asked = CliRunner.Run("dataset", "info", dir.Path, "--category", "gadget");
        Assert.Equal(2, asked.ExitCode);
        Assert.Contains("002.png", asked.Stderr);
    }

    [Fact]
    public void AForcedFormatNamesTheCategoriesItDoesNotMatch()
    {
        using var dir = new TempDir();
        string widget = SyntheticDatasets.MvtecAd(dir.Path, "widget");
        SyntheticDatasets.Loco(dir.Path, "boxes");
        var r = CliRunner.Run("dataset", "info", dir.Path, "--format", "mvtec_loco", "--json", "-q");
        Assert.Equal(2, r.ExitCode);
        var o = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("mvtec_loco", (string)o["format"]!);
        Assert.Equal(["boxes"], o["categories"]!.AsObject().Select(kv => kv.Key));
        Assert.Contains(widget, r.Stderr);
        Assert.Contains("a mvtec_ad category, not mvtec_loco", r.Stderr);
    }
}
