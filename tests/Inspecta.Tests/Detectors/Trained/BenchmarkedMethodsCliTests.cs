using System.Text.Json.Nodes;
using Inspecta.Tests.Detectors.Conformance;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Trained;

/// <summary>
/// The trained methods of issue 18 (those of Zheng et al.'s benchmark: fastflow, draem, …) through the real command line
/// on a tiny synthetic category: fit (epoch lines on stderr, --json history, no checkpoint left) → predict → eval,
/// and their user errors. In the conformance tests' serial collection: libtorch's state is process-wide.
/// </summary>
[Collection(nameof(SerialConformance))]
public class BenchmarkedMethodsCliTests
{
    private static string Synth(TempDir tmp, int count)
    {
        var r = CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", count.ToString(), "--test-count", "2", "--size", "64");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return tmp["data"];
    }

    [Theory]
    [InlineData("fastflow", new[] { "--flow-steps", "2", "--hidden-ratio", "0.25" })]
    [InlineData("draem", new[] { "--reconstructive-width", "4", "--discriminative-width", "4", "--score-window", "5" })]
    public void FitPredictEvalEndToEnd(string method, string[] extra)
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 4);
        string model = tmp["m.inspecta"];
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", method, "--epochs", "2", "--image-size", "64",
            "--samples-per-epoch", "8", "--batch-size", "4", "--threads", "1", .. extra, "--out", model, "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal(2, JsonNode.Parse(fit.Stdout)!["history"]!.AsArray().Count);
        Assert.Matches(@"epoch 2/2: loss [0-9.eE+-]+, validation", fit.Stderr);
        Assert.Empty(Directory.GetFiles(tmp.Path, "m.inspecta.checkpoint*"));

        TrainedCli.Predict(tmp, model, Path.Combine(data, "tiles", "test"));

        var metrics = TrainedCli.Eval(tmp, model, data, "tiles");
        Assert.InRange(metrics["pixel_auroc"]!.GetValue<double>(), 0, 1);
    }

    [Fact]
    public void FastFlowBadInputIsAUserError()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 2);
        var r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "fastflow", "--image-size", "40", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--image-size must be a multiple of 16", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "fastflow", "--flow-steps", "0", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--flow-steps", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "fastflow", "--image-size", "32", "--epochs", "2", "--samples-per-epoch", "4",
            "--batch-size", "4", "--flow-steps", "2", "--learning-rate", "1e8", "--clamp", "20", "--threads", "1", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches("loss became .* in epoch [12] of 2", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }

    [Fact]
    public void DraemBadInputIsAUserError()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 2);
        var r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "draem", "--image-size", "48", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--image-size must be a multiple of 32", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "draem", "--image-size", "32", "--epochs", "2", "--samples-per-epoch", "4",
            "--batch-size", "2", "--reconstructive-width", "2", "--discriminative-width", "2", "--learning-rate", "1e12", "--threads", "1", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Matches("loss became .* in epoch [12] of 2", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }
}
