using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>`inspecta fit` and `inspecta predict` end to end on a small MVTec-layout copy of real bottle images.</summary>
public class FitPredictCliTests
{
    /// <summary>bottle/train/good (12 images), test/good (2), test/broken_large (2) with masks, in a temp folder.</summary>
    private static string SmallBottle(TempDir tmp)
    {
        string src = SharedData.BottleDir, dst = tmp["mvtec"];
        void Copy(string rel, int count)
        {
            var files = Directory.GetFiles(Path.Combine(src, rel), "*.png").Order(StringComparer.Ordinal).Take(count);
            Directory.CreateDirectory(Path.Combine(dst, "bottle", rel));
            foreach (var f in files) File.Copy(f, Path.Combine(dst, "bottle", rel, Path.GetFileName(f)));
        }
        Copy("train/good", 12);
        Copy("test/good", 2);
        Copy("test/broken_large", 2);
        Copy("ground_truth/broken_large", 2);
        return dst;
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void FitThenPredictWritesMapsOverlaysMasksAndScores()
    {
        using var tmp = new TempDir();
        string root = SmallBottle(tmp);
        string squeeze = Path.Combine(SharedData.ModelsDir, "squeezenet1_1_imagenet_features.onnx");
        var fit = CliRunner.Run("fit", "--dataset", root, "--category", "bottle", "--method", "patchcore", "--backbone", squeeze,
            "--image-size", "128", "--coreset", "0.25", "--out", tmp["bottle.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var summary = JsonNode.Parse(fit.Stdout)!;
        Assert.Equal("patchcore", summary["method"]!.GetValue<string>());
        Assert.Equal("max-area", summary["thresholds"]!["estimator"]!.GetValue<string>());
        Assert.True(summary["training"]!["train_images"]!.GetValue<int>() >= 10);

        var predict = CliRunner.Run("predict", "--model", tmp["bottle.inspecta"], "--input", Path.Combine(root, "bottle", "test"), "--out", tmp["out"]);
        Assert.True(predict.ExitCode == 0, predict.Stderr + predict.Stdout);
        var map = ImageIO.ReadTiff(tmp["out/broken_large/000.tiff"]);
        Assert.Equal((1, 900, 900), (map.Channels, map.Height, map.Width));
        var overlay = ImageIO.Read(tmp["out/broken_large/000_overlay.png"]);
        Assert.Equal((3, 900, 900), (overlay.Channels, overlay.Height, overlay.Width));
        var mask = ImageIO.ReadMask(tmp["out/good/000_mask.png"]);
        Assert.Equal((900, 900), (mask.Height, mask.Width));
        var csv = File.ReadAllLines(tmp["out/scores.csv"]);
        Assert.Equal(5, csv.Length);
        var json = JsonNode.Parse(File.ReadAllText(tmp["out/scores.json"]))!;
        var images = json["images"]!.AsArray();
        Assert.Equal(4, images.Count);
        // A broken bottle scores above both good ones.
        float Score(string id) => images.First(i => i!["id"]!.GetValue<string>() == id)!["score"]!.GetValue<float>();
        Assert.True(Score("broken_large/000") > Math.Max(Score("good/000"), Score("good/001")));

        // Predicting again from the file gives the same map, bit for bit.
        var again = CliRunner.Run("predict", "--model", tmp["bottle.inspecta"], "--input", tmp["mvtec/bottle/test/broken_large/000.png"], "--out", tmp["out2"]);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(map.Data, ImageIO.ReadTiff(tmp["out2/000.tiff"]).Data);

        // eval --model runs the model on the test set: metrics keys, timing, the stored threshold, saved maps.
        var eval = CliRunner.Run("eval", "--model", tmp["bottle.inspecta"], "--dataset", root, "--category", "bottle", "--json", "--save-maps", tmp["maps"]);
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        var metrics = JsonNode.Parse(eval.Stdout)!;
        Assert.Equal(4, metrics["n_images"]!.GetValue<int>());
        Assert.Equal(1.0, metrics["image_auroc"]!.GetValue<double>());
        Assert.True(metrics["timing"]!["predict_ms_median"]!.GetValue<double>() > 0);
        Assert.True(metrics["timing"]!["fit_s"]!.GetValue<double>() > 0);
        Assert.NotNull(metrics["thresholds"]!["stored_max-area"]);
        Assert.Equal(map.Data, ImageIO.ReadTiff(tmp["maps/bottle/test/broken_large/000.tiff"]).Data);
        // The saved maps evaluate to the same pixel metrics through --maps.
        var fromMaps = CliRunner.Run("eval", "--maps", tmp["maps"], "--dataset", root, "--category", "bottle", "--json");
        Assert.Equal(metrics["pixel_auroc"]!.GetValue<double>(), JsonNode.Parse(fromMaps.Stdout)!["pixel_auroc"]!.GetValue<double>());
        Assert.Equal(2, CliRunner.Run("eval", "--dataset", root, "--category", "bottle").ExitCode);
    }

    [Fact]
    public void UserMistakesExitWithCode2()
    {
        using var tmp = new TempDir();
        var r = CliRunner.Run("predict", "--model", tmp["missing.inspecta"], "--input", tmp.Path, "--out", tmp["o"]);
        Assert.Equal(2, r.ExitCode);
        r = CliRunner.Run("fit", "--dataset", tmp["nope"], "--method", "patchcore", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nope", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", tmp.Path, "--method", "no-such-method", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("patchcore", r.Stderr);
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void MissingBackboneTellsHowToGetOne()
    {
        using var tmp = new TempDir();
        string root = SmallBottle(tmp);
        var r = CliRunner.Run("fit", "--dataset", root, "--category", "bottle", "--method", "padim", "--backbone", "wide_resnet50_2", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("inspecta models pull", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }
}
