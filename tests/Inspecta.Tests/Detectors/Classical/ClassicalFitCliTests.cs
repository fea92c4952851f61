using Inspecta.Detectors.Registry;
using System.Text.Json.Nodes;
using Inspecta.Detectors.TextureGmm;
using Inspecta.Detectors.VariationModel;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Classical;

/// <summary>`inspecta fit --method variation|texture-gmm` end to end, with the classical options parsed by the CLI.</summary>
public class ClassicalFitCliTests
{
    private static string SmallBottle(TempDir tmp, int trainCount)
    {
        string dst = tmp["mvtec"];
        var files = Directory.GetFiles(Path.Combine(SharedData.BottleDir, "train", "good"), "*.png").Order(StringComparer.Ordinal).Take(trainCount);
        Directory.CreateDirectory(Path.Combine(dst, "bottle", "train", "good"));
        foreach (var f in files) File.Copy(f, Path.Combine(dst, "bottle", "train", "good", Path.GetFileName(f)));
        // The MVTec AD layout needs a test folder to be recognised.
        Directory.CreateDirectory(Path.Combine(dst, "bottle", "test", "good"));
        File.Copy(Path.Combine(SharedData.BottleDir, "test", "good", "000.png"), Path.Combine(dst, "bottle", "test", "good", "000.png"));
        return dst;
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void FitsClassicalMethodsWithTheirOptions()
    {
        using var tmp = new TempDir();
        string root = SmallBottle(tmp, 10);
        var fit = CliRunner.Run("fit", "--dataset", root, "--category", "bottle", "--method", "variation", "--alignment", "rigid",
            "--illumination", "plane", "--sigma-min", "0.03", "--channel-fusion", "mean", "--out", tmp["v.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Assert.Equal("variation", JsonNode.Parse(fit.Stdout)!["method"]!.GetValue<string>());
        var variation = (VariationModelDetector)MethodRegistry.Default.Load(ModelReader.Open(tmp["v.inspecta"]));
        Assert.Equal((AlignmentMode.Rigid, ChannelFusion.Mean, 0.03f, true), (variation.Alignment, variation.Fusion, variation.SigmaMin, variation.CompensatesIllumination));

        fit = CliRunner.Run("fit", "--dataset", root, "--category", "bottle", "--method", "texture-gmm", "--image-size", "96",
            "--pyramid-levels", "2", "--samples", "500", "--gmm-components", "1,2", "--threshold-sigma", "4", "--out", tmp["t.inspecta"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var reader = ModelReader.Open(tmp["t.inspecta"]);
        Assert.Equal(96, reader.Parameters["image_size"]!.GetValue<int>());
        Assert.Equal(2, reader.Parameters["pyramid_levels"]!.GetValue<int>());
        Assert.Equal(4f, reader.Parameters["threshold_sigma"]!.GetValue<float>());
        Assert.IsType<TextureGmmDetector>(MethodRegistry.Default.Load(reader));
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void BadClassicalOptionsAreUserErrors()
    {
        using var tmp = new TempDir();
        string root = SmallBottle(tmp, 3);
        var r = CliRunner.Run("fit", "--dataset", root, "--category", "bottle", "--method", "variation", "--alignment", "affine", "--out", tmp["v.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("alignment", r.Stderr);
        r = CliRunner.Run("fit", "--dataset", root, "--category", "bottle", "--method", "texture-gmm", "--gmm-components", "two", "--out", tmp["t.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gmm-components", r.Stderr);
    }

    [Fact]
    public void ChromaTextureGmmFitsAndEvaluatesEndToEnd()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "marble", "--count", "8", "--test-count", "2", "--size", "64", "--seed", "3", "--quiet").ExitCode);
        var fit = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "marble", "--method", "texture-gmm", "--chroma", "--image-size", "64",
            "--pyramid-levels", "2", "--samples", "800", "--gmm-components", "1,2", "--out", tmp["m.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var reader = ModelReader.Open(tmp["m.inspecta"]);
        Assert.True(reader.Parameters["chroma"]!.GetValue<bool>());
        Assert.Equal(2, reader.Parameters["chroma_levels"]!["b"]!.AsArray().Count);
        var eval = CliRunner.Run("eval", "--model", tmp["m.inspecta"], "--dataset", tmp["data"], "--category", "marble", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        var metrics = JsonNode.Parse(eval.Stdout)!;
        // Measured 0.945 (grayscale texture-gmm on the same data: 0.845); marble's colour defects need the chromaticity models.
        Assert.InRange(metrics["pixel_auroc"]!.GetValue<double>(), 0.85, 1.0);
        // The method's own k-sigma threshold is reported beside the pipeline's stored calibration.
        var own = metrics["thresholds"]!["method_k-sigma"]!;
        Assert.Equal(reader.Parameters["k_sigma_thresholds"]!["pixel"]!.GetValue<float>(), own["threshold"]!.GetValue<double>(), 5);
        Assert.InRange(own["pixel_fpr"]!.GetValue<double>(), 0.0, 0.2);

        // --chroma on grayscale images is a user error that names the image.
        string gray = tmp["gray/part"];
        Directory.CreateDirectory(Path.Combine(gray, "train", "good"));
        Directory.CreateDirectory(Path.Combine(gray, "test", "good"));
        for (int i = 0; i < 6; i++)
            Inspecta.Imaging.ImageIO.WritePng(Path.Combine(gray, i < 5 ? "train" : "test", "good", $"00{i}.png"), ClassicalFixtures.NoiseTexture(48, i));
        var r = CliRunner.Run("fit", "--dataset", tmp["gray"], "--category", "part", "--method", "texture-gmm", "--chroma", "--image-size", "48",
            "--pyramid-levels", "2", "--out", tmp["g.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--chroma", r.Stderr);
        Assert.Matches(@"00\d\.png", r.Stderr);
        Assert.False(File.Exists(tmp["g.inspecta"]));
    }
}
