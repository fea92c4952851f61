using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.ThreeD;

/// <summary><c>inspecta fit --method btf-fpfh</c> on an MVTec 3D-AD-layout folder, then the model file on the test scans.</summary>
public class BtfCliTests
{
    [Fact]
    public void FitOnAnMvtec3dFolderWritesAWorkingModel()
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

        // The model file predicts the synthetic test scans (eval --model runs exactly this once it lands on main).
        using var trained = Inspecta.Detectors.TrainedModel.Load(model);
        Assert.NotNull(trained.Thresholds);
        var category = data.Read();
        var images = category.Test.Select(s =>
        {
            var p = trained.Detector.Predict(s);
            return new Inspecta.Evaluation.EvaluatedImage(s.Label, s.Id, p.Score, p.Map!, s.LoadGroundTruth());
        }).ToList();
        var metrics = Inspecta.Evaluation.MetricsEvaluator.Evaluate(images, new Inspecta.Evaluation.EvaluationOptions());
        Assert.Equal(7, metrics.ImageCount);
        Assert.True(metrics.ImageAuroc >= 0.75, $"image AUROC {metrics.ImageAuroc}");
        Assert.True(metrics.PixelAuroc >= 0.9, $"pixel AUROC {metrics.PixelAuroc}");
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
