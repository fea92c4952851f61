using System.Text.Json.Nodes;
using Inspecta.Tests.Detectors.Conformance;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Trained;

/// <summary>
/// student-teacher and gcad through the command line on a tiny synthetic LOCO category (fit → predict → eval with the
/// LOCO protocol), and their user errors: images smaller than the receptive field, a LOCO category without a validation
/// split, a teacher file that does not fit. In the conformance tests' serial collection (libtorch state is process-wide).
/// </summary>
[Collection(nameof(SerialConformance))]
public class PatchTeacherMethodsCliTests
{
    private static readonly string[] Teacher =
        ["--image-size", "32", "--scales", "17", "--width", "4", "--descriptor-dim", "8", "--teacher-epochs", "1", "--teacher-samples-per-epoch", "16",
         "--teacher-batch-size", "8", "--teacher-data", "train", "--samples-per-epoch", "2", "--threads", "1"];

    private static string[] Tiny(string method) => method == "gcad"
        ? [.. Teacher, "--global-dim", "4", "--bottleneck", "4", "--global-width", "4", "--unet-width", "4", "--epochs", "2", "--first-phase-epochs", "1", "--skip-fade-epochs", "1"]
        : [.. Teacher, "--students", "2", "--epochs", "1"];

    /// <summary>The arguments with <paramref name="option"/>'s value replaced (or appended).</summary>
    private static string[] With(string[] args, string option, string value)
    {
        int i = Array.IndexOf(args, option);
        return i < 0 ? [.. args, option, value] : [.. args[..(i + 1)], value, .. args[(i + 2)..]];
    }

    private static string Loco(TempDir tmp)
    {
        var r = CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "assembly", "--count", "5", "--test-count", "1", "--size", "64", "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return tmp["data"];
    }

    [Theory]
    [InlineData("student-teacher", 2)]
    [InlineData("gcad", 3)]
    public void FitPredictEvalOnALocoCategory(string method, int epochs)
    {
        using var tmp = new TempDir();
        string data = Loco(tmp), model = tmp["m.inspecta"];
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "assembly", "--method", method, .. Tiny(method), "--out", model, "--json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal(epochs, JsonNode.Parse(fit.Stdout)!["history"]!.AsArray().Count);   // teacher + students, or teacher + both gcad phases
        Assert.Matches(@"teacher-p17 epoch 1/1: loss [0-9.eE+-]+", fit.Stderr);
        Assert.Empty(Directory.GetFiles(tmp.Path, "m.inspecta.checkpoint*"));

        TrainedCli.Predict(tmp, model, Path.Combine(data, "assembly", "test"));
        var eval = CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", "assembly");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        Assert.Contains("AU-sPRO logical", eval.Stdout);
    }

    [Fact]
    public void ALocoCategoryWithoutAValidationSplitIsCarvedFromTrainAndSaysSo()
    {
        using var tmp = new TempDir();
        string data = Loco(tmp);
        Directory.Delete(Path.Combine(data, "assembly", "validation"), recursive: true);
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "assembly", "--method", "gcad", .. Tiny("gcad"), "--out", tmp["m.inspecta"]]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Contains("carved from train", fit.Stdout + fit.Stderr);
        var reader = Inspecta.Persistence.ModelReader.Open(tmp["m.inspecta"]);
        Assert.True(reader.Parameters["training"]!["validation_images"]!.GetValue<int>() >= 1);
    }

    [Fact]
    public void ImagesSmallerThanTheLargestReceptiveFieldAreAUserErrorNamingTheImage()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["good"]);
        for (int i = 0; i < 3; i++) Inspecta.Imaging.ImageIO.WritePng(Path.Combine(tmp["good"], $"{i}.png"), new Inspecta.Imaging.ImageF(3, 24, 40));
        var r = CliRunner.Run(["fit", "--train", tmp["good"], "--method", "student-teacher", .. With(With(Tiny("student-teacher"), "--scales", "33"), "--image-size", "48"),
            "--out", tmp["m.inspecta"]]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("smaller than the largest receptive field 33×33", r.Stderr);
        Assert.Contains(tmp["good"], r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }

    [Fact]
    public void ATeacherFileThatDoesNotFitTheStudentsIsAUserErrorNamingTheFile()
    {
        using var tmp = new TempDir();
        string data = Loco(tmp);
        var fit = CliRunner.Run(["fit", "--dataset", data, "--category", "assembly", "--method", "student-teacher", .. Tiny("student-teacher"), "--out", tmp["st.inspecta"]]);
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var r = CliRunner.Run(["fit", "--dataset", data, "--category", "assembly", "--method", "gcad", .. With(Tiny("gcad"), "--width", "8"), "--teachers", tmp["st.inspecta"],
            "--out", tmp["g.inspecta"]]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(tmp["st.inspecta"], r.Stderr);
        Assert.Contains("do not match the students' architecture", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(tmp["g.inspecta"]));
        // Another model's file is refused the same way (it has no patch teachers).
        r = CliRunner.Run(["fit", "--dataset", data, "--category", "assembly", "--method", "gcad", .. Tiny("gcad"), "--teachers", tmp["data"], "--out", tmp["g.inspecta"]]);
        Assert.Equal(2, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
