using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Reporting.Benchmarking;

/// <summary><c>inspecta bench</c> end to end on a tiny MVTec-layout dataset written to disk.</summary>
public class BenchCommandTests
{
    /// <summary>Two categories in the MVTec AD layout, built from the in-memory tiny category.</summary>
    internal static string WriteDataset(string root)
    {
        foreach (var (name, seed) in new[] { ("alpha", 3), ("beta", 4) })
        {
            var cat = BenchRunnerTests.TinyCategory(name, train: 10, seed: seed);
            string dir = Path.Combine(root, name);
            foreach (var s in cat.Train.Concat(cat.Validation))
                Write(Path.Combine(dir, "train", "good", $"{s.Split}{s.Id}.png"), s.Image!);
            foreach (var s in cat.Test)
            {
                Write(Path.Combine(dir, "test", s.Label, s.Id + ".png"), s.Image!);
                if (s.GroundTruth is { } gt)
                {
                    string mask = Path.Combine(dir, "ground_truth", s.Label, s.Id + "_mask.png");
                    Directory.CreateDirectory(Path.GetDirectoryName(mask)!);
                    var m = new Mask(gt.Height, gt.Width);
                    for (int i = 0; i < m.Data.Length; i++) m.Data[i] = gt.Data[i] != 0 ? (byte)255 : (byte)0;
                    ImageIO.WritePng(mask, m);
                }
            }
        }
        return root;

        static void Write(string path, ImageF image)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            ImageIO.WritePng(path, image);
        }
    }

    [Fact]
    public void Bench_Cli_WritesJsonAndMarkdown_ForEachMethodAndCategory()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        var r = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--json", tmp["b.json"], "--markdown", tmp["b.md"]);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);

        var json = JsonNode.Parse(File.ReadAllText(tmp["b.json"]))!;
        var rows = json["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["alpha", "beta"], rows.Select(x => x!["category"]!.GetValue<string>()));
        foreach (var row in rows)
        {
            Assert.Equal("variation", row!["method"]!.GetValue<string>());
            Assert.True(row["image_auroc"]!.GetValue<double>() > 0.9);
            Assert.True(row["pixel_auroc"]!.GetValue<double>() > 0.9);
            Assert.NotNull(row["au_pro_0.3"]);
            Assert.NotNull(row["au_pro_0.05"]);
            Assert.True(row["inference_ms_median"]!.GetValue<double>() > 0);
            Assert.True(row["inference_ms_p95"]!.GetValue<double>() >= row["inference_ms_median"]!.GetValue<double>());
            Assert.True(row["throughput_images_per_s"]!.GetValue<double>() > 0);
            Assert.True(row["model_mb"]!.GetValue<double>() > 0);
            Assert.True(row["peak_rss_mb"]!.GetValue<double>() > 0);
            Assert.Equal(8, row["test_images"]!.GetValue<int>());
        }
        Assert.Equal(Environment.ProcessorCount, json["machine"]!["logical_cores"]!.GetValue<int>());
        Assert.Contains("bench --dataset", json["command"]!.GetValue<string>());

        string md = File.ReadAllText(tmp["b.md"]);
        Assert.Contains("| alpha | variation |", md);
        Assert.Contains("| beta | variation |", md);
        Assert.Contains("Load average", md);
        Assert.Contains("| alpha | variation |", r.Stdout);   // the table is the command's result
        Assert.True(r.Stderr.Contains("bench: alpha/variation predict 8/8"), r.Stderr);   // redirected: one progress line per stage, on stderr
        Assert.DoesNotContain("bench: alpha/variation", r.Stdout);
    }

    [Fact]
    public void Bench_Cli_Threads_ReachTheTrainedMethods_AndZeroIsAUserError()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        var zero = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--threads", "0");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--threads must be at least 1", zero.Stderr);

        File.WriteAllText(tmp["ae.json"], """{"method": "ae-l2", "options": {"image-size": 32, "latent": 16, "epochs": 1, "samples-per-epoch": 4, "batch-size": 2}}""");
        var r = CliRunner.Run("bench", "--dataset", root, "--categories", "alpha", "--config", tmp["ae.json"], "--threads", "1", "--keep-models", tmp["models"], "-q");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        string model = Assert.Single(Directory.GetFiles(tmp["models"], "*.inspecta"));
        using var zip = System.IO.Compression.ZipFile.OpenRead(model);
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        Assert.Equal(1, JsonNode.Parse(manifest)!["parameters"]!["training"]!["threads"]!.GetValue<int>());
    }

    [Fact]
    public void Bench_Cli_SelectsCategories_QuietKeepsOnlyTheTable()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        var r = CliRunner.Run("bench", "--dataset", root, "--categories", "beta", "--methods", "variation", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("| beta | variation |", r.Stdout);
        Assert.DoesNotContain("alpha", r.Stdout);
        Assert.DoesNotContain("Benchmarking", r.Stdout);
        Assert.DoesNotContain("bench: predict", r.Stdout);
    }

    [Fact]
    public void Bench_Cli_UserErrors()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        var unknown = CliRunner.Run("bench", "--dataset", root, "--methods", "variation,nosuch");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("nosuch", unknown.Stderr);
        var noCat = CliRunner.Run("bench", "--dataset", root, "--categories", "gamma", "--methods", "variation");
        Assert.Equal(2, noCat.ExitCode);
        Assert.Contains("gamma", noCat.Stderr);
        var noData = CliRunner.Run("bench", "--dataset", tmp["missing"], "--methods", "variation");
        Assert.Equal(2, noData.ExitCode);
        Assert.Equal(2, CliRunner.Run("bench", "--dataset", root).ExitCode);   // --methods or --config is required
    }

    [Fact]
    public void Bench_Cli_RowsFailingOnTheUsersSide_Exit2_AndStillPrintTheTable()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        // btf-raw needs organised 3D scans: on 2D images every row fails with a user error.
        var r = CliRunner.Run("bench", "--dataset", root, "--methods", "btf-raw", "--json", tmp["b.json"], "-q");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("| alpha | btf-raw | failed:", r.Stdout);
        Assert.Contains("| beta | btf-raw | failed:", r.Stdout);
        Assert.Contains("error: btf-raw on alpha:", r.Stderr);
        Assert.DoesNotContain("internal error", r.Stderr);
        var rows = JsonNode.Parse(File.ReadAllText(tmp["b.json"]))!["rows"]!.AsArray();
        Assert.All(rows, row => Assert.Equal("user", row!["error_kind"]!.GetValue<string>()));
    }

    [Fact]
    public void Bench_Cli_ChecksItsOutputFilesBeforeRunning()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        string missingParent = Path.Combine(tmp["nodir"], "b.json");
        var r = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--json", missingParent);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(missingParent, r.Stderr);
        Assert.Contains("does not exist", r.Stderr);
        Assert.DoesNotContain("| alpha |", r.Stdout);   // failed before any work
        Assert.DoesNotContain("Benchmarking", r.Stdout);

        r = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--json", tmp["ok.json"], "--markdown", tmp["data"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--markdown names a folder", r.Stderr);
        Assert.Contains(tmp["data"], r.Stderr);
        Assert.False(File.Exists(tmp["ok.json"]));   // the probe of the valid path leaves nothing behind

        string underAFile = Path.Combine(tmp["ok.md"], "b.md");
        File.WriteAllText(tmp["ok.md"], "keep me");
        r = CliRunner.Run("bench", "--dataset", root, "--methods", "variation", "--markdown", underAFile);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(underAFile, r.Stderr);
        Assert.Equal("keep me", File.ReadAllText(tmp["ok.md"]));
    }

    [Fact]
    public void Bench_Cli_ABrokenCategoryFailsTheWholeRootUpFront_ButHealthyOnesCanBeChosen()
    {
        using var tmp = new TempDir();
        string root = WriteDataset(tmp["data"]);
        string mask = Directory.EnumerateFiles(Path.Combine(root, "beta", "ground_truth"), "*.png", SearchOption.AllDirectories).First();
        File.Delete(mask);
        var all = CliRunner.Run("bench", "--dataset", root, "--methods", "variation");
        Assert.Equal(2, all.ExitCode);
        Assert.Contains("beta", all.Stderr);
        Assert.Contains("--categories (alpha)", all.Stderr);
        Assert.DoesNotContain("| alpha |", all.Stdout);

        var alpha = CliRunner.Run("bench", "--dataset", root, "--categories", "alpha", "--methods", "variation", "-q");
        Assert.True(alpha.ExitCode == 0, alpha.Stderr);
        Assert.Contains("| alpha | variation |", alpha.Stdout);
    }
}

/// <summary>README.md's speed figures come from one command that says what its time columns include.</summary>
public class ReadmeBenchTests
{
    [Fact]
    public void Readme_RunsPatchCoreAtBothCoresets_AndSaysWhatIsTimed()
    {
        using var tmp = new TempDir();
        string root = BenchCommandTests.WriteDataset(tmp["data"]);
        var r = CliRunner.Run("bench", "--readme", "--dataset", root, "--categories", "alpha", "--warmup", "1", "--json", tmp["b.json"]);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var rows = JsonNode.Parse(File.ReadAllText(tmp["b.json"]))!["rows"]!.AsArray();
        Assert.Equal(["patchcore", "patchcore-1%"], rows.Select(x => x!["label"]?.GetValue<string>() ?? x!["method"]!.GetValue<string>()));
        Assert.Contains("What is timed:", r.Stdout);
        Assert.Contains("image decoding is excluded", r.Stdout);
        Assert.Contains("`inspecta predict` adds", r.Stdout);
        Assert.Contains("bench --readme", r.Stdout); // the command line is part of the table's header

        var mixed = CliRunner.Run("bench", "--readme", "--methods", "variation", "--dataset", root);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("leave out --methods", mixed.Stderr);
    }
}
