using System.Text.Json.Nodes;
using Inspecta.Tests.Detectors.Conformance;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Trained;

/// <summary>
/// <c>cutpaste</c> (issue 18) through the real command line on a tiny synthetic category: fit (epoch lines and the density
/// stage, --json history, no checkpoint left) → predict → eval, and its user errors (too few images, a patch larger
/// than the working image, an exploding loss). In the conformance tests' serial collection: libtorch's state is process-wide.
/// </summary>
[Collection(nameof(SerialConformance))]
public class CutPasteCliTests
{
    private static string Synth(TempDir tmp, int count, string name = "data")
    {
        var r = CliRunner.Run("synth", "2d", "--out", tmp[name], "--categories", "tiles", "--count", count.ToString(), "--test-count", "2", "--size", "64");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return tmp[name];
    }

    [Fact]
    public void FitPredictEvalEndToEnd()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 4);
        string model = tmp["m.inspecta"];
        var fit = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "cutpaste", "--epochs", "2", "--image-size", "64",
            "--samples-per-epoch", "8", "--batch-size", "4", "--patch-size", "32", "--patch-stride", "16", "--head-width", "16", "--learning-rate", "0.01",
            "--threads", "1", "--out", model, "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal(2, JsonNode.Parse(fit.Stdout)!["history"]!.AsArray().Count);
        Assert.Matches(@"epoch 2/2: loss [0-9.eE+-]+, validation", fit.Stderr);
        Assert.Empty(Directory.GetFiles(tmp.Path, "m.inspecta.checkpoint*"));

        TrainedCli.Predict(tmp, model, Path.Combine(data, "tiles", "test"));

        var metrics = TrainedCli.Eval(tmp, model, data, "tiles");
        Assert.InRange(metrics["pixel_auroc"]!.GetValue<double>(), 0, 1);
        Assert.InRange(metrics["image_auroc"]!.GetValue<double>(), 0, 1);
    }

    [Fact]
    public void BadInputIsAUserError()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 2);
        // Two good images: one is carved for validation, one is left for the Gaussians.
        var r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "cutpaste", "--image-size", "32", "--epochs", "1",
            "--samples-per-epoch", "2", "--batch-size", "2", "--patch-size", "16", "--threads", "1", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("at least 2 good training images", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "cutpaste", "--image-size", "32", "--patch-size", "64", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--patch-size 64 is larger than the 32×32 working image", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "cutpaste", "--image-size", "40", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--image-size must be a multiple of 16", r.Stderr);
        string more = Synth(tmp, 4, "more");
        r = CliRunner.Run("fit", "--dataset", more, "--category", "tiles", "--method", "cutpaste", "--image-size", "32", "--epochs", "2", "--samples-per-epoch", "4",
            "--batch-size", "2", "--patch-size", "16", "--learning-rate", "1e12", "--threads", "1", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches("loss became .* in epoch [12] of 2", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }
}
