using System.IO.Compression;
using System.Text.Json.Nodes;
using Inspecta.Tests.Detectors.Verdicts;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>A layer whose map has too few cells to localise (1×1 logits, 2×2 at a tiny input) warns in fit's output and the model's warnings.</summary>
public class CoarseLayerWarningTests
{
    private static void AssertWarned(TempDir tmp, string layer, string[] fitOptions)
    {
        string cat = SpotFolderDataset.Write(tmp["data"], good: 12, defective: 0);
        var fit = CliRunner.Run(["fit", "--train", Path.Combine(cat, "good"), "--method", "patchcore", .. fitOptions, "--out", tmp["m.inspecta"], "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var warnings = JsonNode.Parse(fit.Stdout)!["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.StartsWith($"layer '{layer}' gives a ", StringComparison.Ordinal) && w.Contains("cannot localise", StringComparison.Ordinal));
        Assert.Contains($"warning: layer '{layer}'", fit.Stderr);
        // The model file keeps them, and loading gives them back.
        using (var zip = ZipFile.OpenRead(tmp["m.inspecta"]))
        using (var s = zip.GetEntry("manifest.json")!.Open())
            Assert.Contains(JsonNode.Parse(s)!["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("cannot localise", StringComparison.Ordinal));
        using var model = Inspecta.Detectors.TrainedModel.Load(tmp["m.inspecta"]);
        Assert.Contains(model.Warnings, w => w.Contains($"layer '{layer}'", StringComparison.Ordinal));
    }

    [Fact]
    public void ADeepLayerAtATinyInput_Warns()
    {
        using var tmp = new TempDir();
        // layer3 has stride 16: 2×2 cells at 32 px.
        AssertWarned(tmp, "layer3", ["--backbone", TestBackbones.ResNet18, "--layers", "layer2,layer3", "--image-size", "32"]);
    }

    [SharedFact("models", "squeezenet1_1_imagenet_features.onnx")]
    public void Logits_Warn()
    {
        using var tmp = new TempDir();
        AssertWarned(tmp, "logits", ["--backbone", Path.Combine(SharedData.ModelsDir, "squeezenet1_1_imagenet_features.onnx"), "--layers", "logits", "--image-size", "64"]);
    }

    [Fact]
    public void SpatialLayers_DoNotWarn()
    {
        using var tmp = new TempDir();
        string cat = SpotFolderDataset.Write(tmp["data"], good: 12, defective: 0);
        var fit = CliRunner.Run("fit", "--train", Path.Combine(cat, "good"), "--method", "patchcore", "--backbone", TestBackbones.ResNet18,
            "--layers", "layer1,layer2", "--image-size", "64", "--out", tmp["m.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.DoesNotContain(JsonNode.Parse(fit.Stdout)!["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("cannot localise", StringComparison.Ordinal));
    }
}
