using System.Text.Json.Nodes;
using Inspecta.Evaluation.Thresholds;
using Inspecta.Tests.Detectors.Verdicts;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>fit on a plain folder (--train), on a validation folder (--validation), the warning for too few validation
/// images and the threshold's bootstrap interval.</summary>
public class FitValidationCliTests
{
    /// <summary>Copies good images <paramref name="from"/>..<paramref name="from"/>+count-1 of a spot dataset into a plain folder.</summary>
    private static string PlainFolder(TempDir tmp, string name, int from, int count)
    {
        string cat = Directory.Exists(tmp["data/spots"]) ? tmp["data/spots"] : SpotFolderDataset.Write(tmp["data"]);
        string dir = tmp[name];
        Directory.CreateDirectory(dir);
        foreach (int i in Enumerable.Range(from, count))
            File.Copy(Path.Combine(cat, "good", $"{i:000}.png"), Path.Combine(dir, $"{i:000}.png"));
        return dir;
    }

    [Fact]
    public void Train_APlainFolder_CarvesTwoValidationImages_WarnsAndReportsTheInterval()
    {
        using var tmp = new TempDir();
        string train = PlainFolder(tmp, "parts", 0, 20);
        var fit = CliRunner.Run("fit", "--train", train, "--method", "variation", "--out", tmp["m.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var json = JsonNode.Parse(fit.Stdout)!;
        Assert.Equal(18, json["training"]!["train_images"]!.GetValue<int>());
        Assert.Equal(2, json["thresholds"]!["validation_images"]!.GetValue<int>());
        var warnings = json["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.Contains("only 2 good validation image", StringComparison.Ordinal) && w.Contains("--validation", StringComparison.Ordinal));
        Assert.Contains("only 2 good validation image", fit.Stderr);
        var interval = json["thresholds"]!["pixel_interval"]!;
        double pixel = json["thresholds"]!["pixel"]!.GetValue<double>();
        Assert.True(interval["low"]!.GetValue<double>() <= interval["high"]!.GetValue<double>());
        Assert.Equal(pixel, interval["high"]!.GetValue<double>(), 1e-5);
        // The manifest keeps it (old files without it still load: FromJson takes it as optional).
        var model = Inspecta.Detectors.TrainedModel.Load(tmp["m.inspecta"]);
        Assert.NotNull(model.Thresholds!.PixelInterval);
        model.Dispose();

        // eval shows it beside the stored threshold.
        var eval = CliRunner.Run("eval", "--model", tmp["m.inspecta"], "--dataset", tmp["data"], "--category", "spots", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        var stored = JsonNode.Parse(eval.Stdout)!["thresholds"]!["stored_max-area"]!;
        Assert.Equal(interval["low"]!.GetValue<double>(), stored["pixel_interval"]!["low"]!.GetValue<double>());

        var text = CliRunner.Run("fit", "--train", train, "--method", "variation", "--out", tmp["m2.inspecta"]);
        Assert.True(text.ExitCode == 0, text.Stderr + text.Stdout);
        Assert.Contains("95% bootstrap interval [", text.Stdout);
        Assert.Contains("2 validation images (carved from train)", text.Stdout);
    }

    [Fact]
    public void Validation_AFolderOfGoodImages_CalibratesOnThemAndKeepsAllTrainImages()
    {
        using var tmp = new TempDir();
        string train = PlainFolder(tmp, "parts", 0, 20);
        string validation = PlainFolder(tmp, "held-out", 20, 12);
        var fit = CliRunner.Run("fit", "--train", train, "--validation", validation, "--method", "variation", "--out", tmp["m.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        var json = JsonNode.Parse(fit.Stdout)!;
        Assert.Equal(20, json["training"]!["train_images"]!.GetValue<int>());
        Assert.Equal(12, json["thresholds"]!["validation_images"]!.GetValue<int>());
        Assert.DoesNotContain(json["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("validation image", StringComparison.Ordinal));

        // On a dataset too: the carved images go back to train.
        var onDataset = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "spots", "--validation", validation, "--method", "variation",
            "--out", tmp["d.inspecta"], "--json");
        Assert.True(onDataset.ExitCode == 0, onDataset.Stderr + onDataset.Stdout);
        Assert.Equal(12, JsonNode.Parse(onDataset.Stdout)!["thresholds"]!["validation_images"]!.GetValue<int>());
        // Validation images that are training images are refused, naming the file.
        var overlap = CliRunner.Run("fit", "--train", train, "--validation", train, "--method", "variation", "--out", tmp["x.inspecta"]);
        Assert.Equal(2, overlap.ExitCode);
        Assert.Contains("both a training and a validation image", overlap.Stderr);
    }

    [Fact]
    public void APlainFolderGivenAsDataset_SaysWhatToDoFirst()
    {
        using var tmp = new TempDir();
        string plain = PlainFolder(tmp, "parts", 0, 5);
        var fit = CliRunner.Run("fit", "--dataset", plain, "--method", "variation", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, fit.ExitCode);
        int advice = fit.Stderr.IndexOf("inspecta fit --train", StringComparison.Ordinal);
        Assert.True(advice > 0, fit.Stderr);
        Assert.Contains(Path.Combine("<category>", "good"), fit.Stderr);
        Assert.True(advice < fit.Stderr.IndexOf("Expected one of", StringComparison.Ordinal), "the advice comes before the list of layouts");

        var both = CliRunner.Run("fit", "--dataset", plain, "--train", plain, "--method", "variation", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exactly one of --dataset", both.Stderr);
        var empty = CliRunner.Run("fit", "--train", tmp["data"], "--method", "variation", "--out", tmp["m.inspecta"]);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("holds no images", empty.Stderr);
    }

    [Fact]
    public void Interval_IsSeeded_AndBracketsTheMaximum()
    {
        double[] values = [1.0, 1.5, 2.0, 4.0, 1.2, 1.1];
        var a = ThresholdInterval.OfMaximum(values);
        Assert.Equal(a, ThresholdInterval.OfMaximum(values));
        Assert.Equal(4.0, a.High);
        Assert.True(a.Low < 4.0 && a.Low >= 1.5, a.ToString());
        // The fit's shortcut: max-area over a set of maps is the largest of each map's own max-area threshold.
        var rng = new Random(3);
        var maps = Enumerable.Range(0, 5).Select(_ =>
        {
            var m = new Inspecta.Imaging.AnomalyMap(24, 24);
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = (float)rng.NextDouble() + (i / 24 is > 8 and < 12 ? 0.5f : 0f);
            return m;
        }).ToArray();
        var estimator = new MaxAreaThreshold(6);
        Assert.Equal(estimator.Estimate(maps), maps.Max(m => estimator.Estimate([m])));
        // One image: no spread to measure.
        var one = ThresholdInterval.OfMaximum([3.0]);
        Assert.Equal((3.0, 3.0), (one.Low, one.High));
    }
}
