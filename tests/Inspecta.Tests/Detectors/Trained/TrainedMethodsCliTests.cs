using System.Text.Json.Nodes;
using Inspecta.Tests.Detectors.Conformance;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Trained;

/// <summary>
/// The training engine's methods through the real command line on a tiny synthetic category: fit (live epoch lines on
/// stderr, loss history in --json, checkpoint removed after the save) → predict → eval; and the user errors of a fit.
/// In the conformance tests' serial collection: libtorch's generator and thread count are process-wide.
/// </summary>
[Collection(nameof(SerialConformance))]
public class TrainedMethodsCliTests
{
    private static readonly string[] Tiny = ["--image-size", "32", "--latent", "8", "--samples-per-epoch", "16", "--batch-size", "8", "--threads", "1"];

    private static string Synth(TempDir tmp, int count = 6)
    {
        var r = CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", count.ToString(), "--test-count", "2", "--size", "64");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return tmp["data"];
    }

    [Theory]
    [InlineData("ae-ssim")]
    [InlineData("f-anogan")]
    public void FitPredictEvalEndToEnd(string method)
    {
        using var tmp = new TempDir();
        string data = Synth(tmp);
        string model = tmp["m.inspecta"];
        string[] extra = method == "f-anogan" ? ["--patch-size", "16", "--width", "4", "--critic-iterations", "1"] : [];
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", method, "--epochs", "2", .. Tiny, .. extra, "--out", model, "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var json = JsonNode.Parse(fit.Stdout)!;
        var history = json["history"]!.AsArray();
        Assert.Equal(method == "f-anogan" ? 4 : 2, history.Count); // f-AnoGAN: 2 GAN + 2 encoder epochs
        Assert.All(history, h => Assert.True(double.IsFinite(h!["loss"]!.GetValue<double>())));
        Assert.Equal(1, history[1]!["epoch"]!.GetValue<int>() - history[0]!["epoch"]!.GetValue<int>());
        Assert.Matches(@"epoch 2/2: loss [0-9.eE+-]+, validation", fit.Stderr); // one line per epoch when not on a terminal
        Assert.DoesNotContain("train ", fit.Stderr);                           // no batch-level lines for training
        Assert.True(File.Exists(model));
        Assert.Empty(Directory.GetFiles(tmp.Path, "m.inspecta.checkpoint*"));

        TrainedCli.Predict(tmp, model, Path.Combine(data, "tiles", "test"));

        var metrics = TrainedCli.Eval(tmp, model, data, "tiles");
        double auroc = metrics["pixel_auroc"]!.GetValue<double>();
        Assert.InRange(auroc, 0, 1);
    }

    [Theory]
    [InlineData("stfpm")]
    [InlineData("reverse-distillation")]
    public void TeacherStudentFitPredictEvalEndToEnd(string method)
    {
        // No --backbone: the built-in resnet18 (derived into the test model cache) is the teacher.
        using var tmp = new TempDir();
        string data = Synth(tmp, 4);
        string model = tmp["m.inspecta"];
        var fit = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", method, "--epochs", "2", "--image-size", "64",
            "--samples-per-epoch", "8", "--batch-size", "4", "--threads", "1", "--out", model, "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal(2, JsonNode.Parse(fit.Stdout)!["history"]!.AsArray().Count);
        Assert.Matches(@"epoch 2/2: loss [0-9.eE+-]+, validation", fit.Stderr);
        Assert.Empty(Directory.GetFiles(tmp.Path, "m.inspecta.checkpoint*"));
        var reader = Inspecta.Persistence.ModelReader.Open(model);
        Assert.Equal(Inspecta.Features.ModelCache.Sha256Of(TestBackbones.ResNet18), reader.Parameters["backbone"]!["sha256"]!.GetValue<string>());

        TrainedCli.Predict(tmp, model, Path.Combine(data, "tiles", "test"));

        var metrics = TrainedCli.Eval(tmp, model, data, "tiles");
        Assert.InRange(metrics["pixel_auroc"]!.GetValue<double>(), 0, 1);
    }

    [Fact]
    public void TeacherStudentBadInputIsAUserError()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 2);
        var r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "reverse-distillation", "--image-size", "48", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--image-size must be a multiple of 32", r.Stderr);
        // A teacher file of another layout: the package's original graph (a ResNet-18 with layer4 and the CNTK input).
        string foreign = Inspecta.Features.ResNet18Package.Locate().Model;
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "stfpm", "--image-size", "32", "--epochs", "1",
            "--backbone", foreign, "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(foreign, r.Stderr);
        Assert.Contains("not the built-in ResNet-18 layout", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }

    [Fact]
    public void EfficientAdFitPredictEvalEndToEndAndItsUserErrors()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 4);
        string model = tmp["m.inspecta"];
        string[] tiny = ["--image-size", "64", "--samples-per-epoch", "4", "--batch-size", "2", "--threads", "1"];
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", "efficientad", "--epochs", "1", "--teacher-epochs", "1", .. tiny, "--out", model, "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal(["teacher", "student"], JsonNode.Parse(fit.Stdout)!["history"]!.AsArray().Select(h => h!["phase"]!.GetValue<string>()));
        Assert.Matches(@"epoch 1/1: loss [0-9.eE+-]+, validation", fit.Stderr);
        Assert.DoesNotContain("Warning", fit.Stderr); // libtorch warns on every bilinear resize without an explicit align_corners
        Assert.Empty(Directory.GetFiles(tmp.Path, "m.inspecta.checkpoint*"));
        TrainedCli.Predict(tmp, model, Path.Combine(data, "tiles", "test"));

        // The teacher reused from that model: the student phase alone.
        fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", "efficientad", "--epochs", "1", "--teacher", model, .. tiny, "--out", tmp["m2.inspecta"], "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal(["student"], JsonNode.Parse(fit.Stdout)!["history"]!.AsArray().Select(h => h!["phase"]!.GetValue<string>()));

        // A teacher file that is no model, and a working size below the PDN's receptive field.
        File.WriteAllText(tmp["teacher.inspecta"], "not a model");
        var r = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", "efficientad", "--teacher", tmp["teacher.inspecta"], .. tiny, "--out", tmp["bad.inspecta"]]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(tmp["teacher.inspecta"], r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "efficientad", "--image-size", "32", "--out", tmp["bad.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("receptive field is 33 px", r.Stderr);
        Assert.False(File.Exists(tmp["bad.inspecta"]));
    }

    [Fact]
    public void ThreadsAreRecordedInTheModel()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 4);
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", "ae-l2", "--epochs", "1", .. Tiny[..^2], "--threads", "2", "--out", tmp["m.inspecta"]]);
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var reader = Inspecta.Persistence.ModelReader.Open(tmp["m.inspecta"]);
        Assert.Equal(2, reader.Parameters["training"]!["threads"]!.GetValue<int>());
        Assert.Equal(2, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void NaNLossIsAUserErrorNamingTheEpochAndSavesNoModel()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 4);
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", "ae-l2", "--epochs", "2", .. Tiny, "--learning-rate", "1e12", "--out", tmp["m.inspecta"]]);
        Assert.Equal(2, fit.ExitCode);
        Assert.Matches("training loss became .* in epoch [12] of 2", fit.Stderr);
        Assert.Contains("lower --learning-rate", fit.Stderr);
        Assert.DoesNotContain("   at ", fit.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }

    [Fact]
    public void FewerImagesThanTheBatchSizeStillTrain()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 3); // 3 images, batches of 8: drawn with replacement
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "tiles", "--method", "vae", "--epochs", "1", .. Tiny, "--out", tmp["m.inspecta"]]);
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.True(File.Exists(tmp["m.inspecta"]));
    }

    [Fact]
    public void BadTrainingOptionsAreUserErrorsNamingTheOption()
    {
        using var tmp = new TempDir();
        string data = Synth(tmp, 2);
        var r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "ae-ssim", "--image-size", "64", "--crop-size", "128", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--crop-size 128 is larger than --image-size 64", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "ae-ssim", "--image-size", "48", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("power of two", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "ae-l2", "--resume", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no checkpoint to resume from", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }

    [Fact]
    public void FitHelpListsTheTrainingOptions()
    {
        var r = CliRunner.Run("fit", "--method", "ae-ssim", "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (string o in new[] { "--epochs", "--batch-size", "--learning-rate", "--ssim-window", "--crop-size", "--patience", "--resume" })
            Assert.Contains(o, r.Stdout);
        Assert.DoesNotContain("--critic-iterations", r.Stdout);
    }
}
