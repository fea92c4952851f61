using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.ThreeD;

/// <summary><c>inspecta fit --method btf-fpfh</c> on an MVTec 3D-AD-layout folder, then <c>inspecta eval --model</c>.</summary>
public class BtfCliTests
{
    [Fact]
    public void FitThenEvalModelOnAnMvtec3dFolder()
    {
        using var data = new SyntheticScanCategory(size: 96, train: 8, testGood: 3, perDefect: 1, seed: 21);
        using var tmp = new TempDir();
        string model = tmp["disc.inspecta"];
        var fit = CliRunner.Run("fit", "--dataset", data.Root, "--category", SyntheticScanCategory.ObjectName, "--method", "btf-fpfh",
            "--image-size", "96", "--out", model, "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var summary = JsonNode.Parse(fit.Stdout)!;
        Assert.Equal("btf-fpfh", summary["method"]!.GetValue<string>());
        Assert.True(File.Exists(model));

        var eval = CliRunner.Run("eval", "--model", model, "--dataset", data.Root, "--category", SyntheticScanCategory.ObjectName, "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        var metrics = JsonNode.Parse(eval.Stdout)!;
        Assert.Equal(7, metrics["n_images"]!.GetValue<int>());
        Assert.True(metrics["image_auroc"]!.GetValue<double>() >= 0.75, eval.Stdout);
        Assert.True(metrics["pixel_auroc"]!.GetValue<double>() >= 0.9, eval.Stdout);
        Assert.True(metrics["timing"]!["predict_ms_median"]!.GetValue<double>() > 0, eval.Stdout);
    }

    [Fact]
    public void FittingBtfOnImagesWithoutScansIsAUserError()
    {
        using var tmp = new TempDir();
        var image = new ImageF(3, 32, 32);
        foreach (string dir in new[] { "flat/train/good", "flat/test/good" })
        {
            Directory.CreateDirectory(tmp[dir]);
            ImageIO.WritePng(Path.Combine(tmp[dir], "000.png"), image);
            ImageIO.WritePng(Path.Combine(tmp[dir], "001.png"), image);
        }
        var r = CliRunner.Run("fit", "--dataset", tmp["flat"], "--method", "btf-fpfh", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("xyz scan", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }
}
