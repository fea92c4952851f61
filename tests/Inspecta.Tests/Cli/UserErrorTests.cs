using System.IO.Compression;
using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Tests.Evaluation;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>User mistakes found by a robustness sweep of the CLI: each must be exit 2 with a message naming the problem.</summary>
public class UserErrorTests
{
    private static (string Data, string Model) FittedTiles(TempDir tmp)
    {
        Assert.Equal(0, CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", "6", "--test-count", "2", "--size", "64", "--quiet").ExitCode);
        var fit = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "tiles", "--method", "variation", "--out", tmp["m.inspecta"], "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        return (tmp["data"], tmp["m.inspecta"]);
    }

    private static void AssertUserError(CliRunner.Result r, params string[] mentions)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}{r.Stdout}");
        Assert.DoesNotContain("internal error", r.Stderr);
        foreach (string m in mentions) Assert.Contains(m, r.Stderr);
    }

    [Fact]
    public void Bad_inputs_decoded_in_parallel_are_user_errors()
    {
        using var tmp = new TempDir();
        var (_, model) = FittedTiles(tmp);
        Directory.CreateDirectory(tmp["bad"]);
        File.WriteAllText(tmp["bad/a.png"], "not an image");
        File.WriteAllBytes(tmp["bad/b.png"], [0x89, 0x50, 0x4E, 0x47]);
        // Images are decoded two at a time, so one or both failures are reported; either way it is a user error naming the file.
        var r = CliRunner.Run("predict", "--model", model, "--input", tmp["bad"], "--out", tmp["out"]);
        AssertUserError(r);
        Assert.Matches(@"[ab]\.png", r.Stderr);
    }

    [Fact]
    public void Output_paths_are_checked_before_the_work()
    {
        using var tmp = new TempDir();
        var (data, model) = FittedTiles(tmp);
        Directory.CreateDirectory(tmp["folder"]);
        AssertUserError(CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "variation", "--out", tmp["folder"]), "--out names a folder");
        File.WriteAllText(tmp["file"], "x");
        AssertUserError(CliRunner.Run("fit", "--dataset", data, "--category", "tiles", "--method", "variation", "--out", Path.Combine(tmp["file"], "m.inspecta")), "(it is a file)");
        Directory.CreateDirectory(tmp["dir.html"]);
        AssertUserError(CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", "tiles", "--report", tmp["dir.html"]), "--report names a folder");
        AssertUserError(CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", "tiles", "--report", tmp["r.json"]), "--report must name an .html file");
        AssertUserError(CliRunner.Run("report", tmp["e.json"], "--out", tmp["e.json"]), "--out must name an .html file");
        AssertUserError(CliRunner.Run("predict", "--model", model, "--input", data, "--out", ""), "--out was given an empty value");
        AssertUserError(CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", "tiles", "--save-maps", tmp["file"]), "cannot access a file");
        AssertUserError(CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", "tiles", "--threshold", "nan"), "--threshold");
    }

    [Fact]
    public void A_model_that_scores_everything_alike_is_fitted_with_a_warning()
    {
        using var tmp = new TempDir();
        // Six copies of one image: the per-pixel model has nothing left to tell apart.
        var image = new Inspecta.Imaging.ImageF(1, 64, 64, Enumerable.Range(0, 64 * 64).Select(i => (i % 64) / 64f).ToArray());
        foreach (string split in new[] { "train", "test" })
            for (int i = 0; i < (split == "train" ? 10 : 1); i++)
            {
                Directory.CreateDirectory(tmp[$"same/part/{split}/good"]);
                Inspecta.Imaging.ImageIO.WritePng(tmp[$"same/part/{split}/good/{i:D3}.png"], image);
            }
        var fit = CliRunner.Run("fit", "--dataset", tmp["same"], "--category", "part", "--method", "variation", "--out", tmp["v.inspecta"], "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.Contains("warning: variation gives the same score", fit.Stderr);
        // That one, and (1 carved validation image) the one about too few validation images.
        var warnings = JsonNode.Parse(fit.Stdout)!["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Single(warnings, w => w.Contains("gives the same score", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_maps_are_checked_and_brought_to_the_test_map_size()
    {
        using var tmp = new TempDir();
        var (data, model) = FittedTiles(tmp);
        var eval = CliRunner.Run("eval", "--model", model, "--dataset", data, "--category", "tiles", "--save-maps", tmp["maps"], "--quiet");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Directory.CreateDirectory(tmp["val"]);
        TestTiff.WriteFloat(tmp["val/a.tiff"], 32, 32, new float[32 * 32]);
        TestTiff.WriteFloat(tmp["val/a2.tiff"], 32, 32, Enumerable.Repeat(0.1f, 32 * 32).ToArray());
        var r = CliRunner.Run("eval", "--maps", tmp["maps"], "--dataset", data, "--category", "tiles", "--validation-maps", tmp["val"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("2 validation maps were resized", r.Stdout + r.Stderr);
        AssertUserError(CliRunner.Run("eval", "--maps", tmp["maps"], "--dataset", data, "--category", "tiles", "--validation-maps", tmp["val"], "--min-defect-area", "5000"), "not smaller than a whole map");
        TestTiff.WriteFloat(tmp["val/b.tiff"], 16, 16, new float[16 * 16]);
        // Maps are listed in name order, so the odd one out is b.tiff against a.tiff (32×32).
        AssertUserError(CliRunner.Run("eval", "--maps", tmp["maps"], "--dataset", data, "--category", "tiles", "--validation-maps", tmp["val"]), "b.tiff", "a.tiff is 32×32", "share one size");
    }

    [Fact]
    public void Predict_never_writes_into_its_input_folder()
    {
        using var tmp = new TempDir();
        var (data, model) = FittedTiles(tmp);
        string good = Path.Combine(data, "tiles", "test", "good");
        int before = Directory.GetFiles(good).Length;
        AssertUserError(CliRunner.Run("predict", "--model", model, "--input", good, "--out", good), "--out must not be the input folder");
        AssertUserError(CliRunner.Run("predict", "--model", model, "--input", good, "--out", Path.Combine(good, "maps")), "--out must not be the input folder");
        // A link to the input folder is the input folder.
        Directory.CreateSymbolicLink(tmp["link"], good);
        AssertUserError(CliRunner.Run("predict", "--model", model, "--input", good, "--out", Path.Combine(tmp["link"], "maps")), "--out must not be the input folder");
        Assert.Equal(before, Directory.GetFiles(good).Length);
    }

    [Fact]
    public void Predict_on_a_category_folder_skips_its_ground_truth_masks()
    {
        using var tmp = new TempDir();
        var (data, model) = FittedTiles(tmp);
        var r = CliRunner.Run("predict", "--model", model, "--input", Path.Combine(data, "tiles"), "--out", tmp["out"], "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var ids = JsonNode.Parse(r.Stdout)!["images"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(ids, id => id.StartsWith(Path.Combine("test", "crack"), StringComparison.Ordinal));
        Assert.DoesNotContain(ids, id => id.Contains("ground_truth", StringComparison.Ordinal) || id.EndsWith("_mask", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_finite_pixels_are_rejected_naming_the_pixel()
    {
        using var tmp = new TempDir();
        var (_, model) = FittedTiles(tmp);
        var values = Enumerable.Repeat(0.5f, 64 * 64).ToArray();
        values[3 * 64 + 7] = float.NaN;
        TestTiff.WriteFloat(tmp["nan.tiff"], 64, 64, values);
        AssertUserError(CliRunner.Run("predict", "--model", model, "--input", tmp["nan.tiff"], "--out", tmp["out"]), "nan.tiff", "x=7, y=3");
    }

    [Fact]
    public void Report_rejects_json_that_is_not_an_eval_result()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["arr.json"], "[]");
        AssertUserError(CliRunner.Run("report", tmp["arr.json"], "--out", tmp["r.html"]), "not an eval result");
        File.WriteAllText(tmp["loco.json"], """{"category":"x","au_spro":{}}""");
        AssertUserError(CliRunner.Run("report", tmp["loco.json"], "--out", tmp["r.html"]), "MVTec LOCO AD");
    }

    [Fact]
    public void A_malformed_model_manifest_is_a_user_error()
    {
        using var tmp = new TempDir();
        var (data, model) = FittedTiles(tmp);
        string key;
        using (var zip = ZipFile.Open(model, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(ModelFormat.ManifestEntry)!;
            JsonNode manifest;
            using (var reader = new StreamReader(entry.Open())) manifest = JsonNode.Parse(reader.ReadToEnd())!;
            var parameters = manifest["parameters"]!.AsObject();
            key = parameters.First(p => p.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number).Key;
            parameters[key] = "three";
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(ModelFormat.ManifestEntry).Open());
            writer.Write(manifest.ToJsonString());
        }
        AssertUserError(CliRunner.Run("predict", "--model", model, "--input", Path.Combine(data, "tiles", "test", "good"), "--out", tmp["out"]), "m.inspecta", $"'{key}'", "\"three\"");
    }

    [Fact]
    public void Point_cloud_encodings_must_exist_for_the_output_format()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["c.xyz"], "0 0 0\n1 0 0\n0 1 0\n");
        AssertUserError(CliRunner.Run("pc", "convert", tmp["c.xyz"], tmp["c.ply"], "--encoding", "binary_compressed"), "binary_compressed", ".ply");
        AssertUserError(CliRunner.Run("pc", "convert", tmp["c.xyz"], tmp["d.xyz"], "--encoding", "ascii"), "text format");
        Assert.Equal(0, CliRunner.Run("pc", "convert", tmp["c.xyz"], tmp["c.pcd"], "--encoding", "binary_compressed", "--quiet").ExitCode);
    }
}

public class FailureReportingTests
{
    [Fact]
    public void Several_user_errors_from_parallel_work_are_each_named_and_exit_2()
    {
        var stderr = new StringWriter();
        var console = new Inspecta.Cli.CliConsole(new StringWriter(), stderr);
        var failure = new AggregateException(
            InspectaUserException.ForFile("/data/a.png", "unsupported image format."),
            new AggregateException(InspectaUserException.ForFile("/data/b.png", "truncated.")),
            new DirectoryNotFoundException("Could not find a part of the path '/out/x'."));
        Assert.Equal(Inspecta.Cli.CliApp.UserError, Inspecta.Cli.CliApp.Fail(failure, console, stderr));
        string text = stderr.ToString();
        Assert.Contains("a.png", text);
        Assert.Contains("b.png", text);
        Assert.Contains("cannot access a file: Could not find a part of the path '/out/x'", text);
        Assert.DoesNotContain("internal error", text);
    }

    [Fact]
    public void A_bug_among_user_errors_is_still_an_internal_error()
    {
        var stderr = new StringWriter();
        var console = new Inspecta.Cli.CliConsole(new StringWriter(), stderr);
        var failure = new AggregateException(new InspectaUserException("bad input"), new IndexOutOfRangeException("boom"));
        Assert.Equal(Inspecta.Cli.CliApp.InternalError, Inspecta.Cli.CliApp.Fail(failure, console, stderr));
        Assert.Contains("internal error: IndexOutOfRangeException: boom", stderr.ToString());
    }
}

public class XyzScanFormatTests
{
    [Fact]
    public void An_8_bit_image_named_tiff_is_not_read_as_an_xyz_scan()
    {
        using var tmp = new TempDir();
        var rgb = new Inspecta.Imaging.ImageF(3, 8, 8);
        Inspecta.Imaging.ImageIO.WritePng(tmp["scan.tiff"], rgb);
        var r = CliRunner.Run("pc", "info", tmp["scan.tiff"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("8-bit", r.Stderr);
    }
}

public class BackboneUserErrorTests
{
    private static string ResNet18 => TestBackbones.ResNet18;

    [Fact]
    public void Overflowing_features_and_repeated_layers_are_user_errors()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", "6", "--test-count", "2", "--size", "64", "--quiet").ExitCode);
        var repeated = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "tiles", "--method", "patchcore", "--backbone", ResNet18, "--layers", "layer1,layer1", "--out", tmp["r.inspecta"]);
        Assert.Equal(2, repeated.ExitCode);
        Assert.Contains("'layer1' more than once", repeated.Stderr);

        var fit = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "tiles", "--method", "patchcore", "--backbone", ResNet18, "--image-size", "64", "--out", tmp["p.inspecta"], "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var huge = new float[3 * 64 * 64];
        Array.Fill(huge, 3.4e38f);
        var image = new Inspecta.Imaging.ImageF(3, 64, 64, huge);
        Inspecta.Imaging.ImageIO.WriteTiff(tmp["huge.tiff"], image);
        var r = CliRunner.Run("predict", "--model", tmp["p.inspecta"], "--input", tmp["huge.tiff"], "--out", tmp["out"]);
        Assert.True(r.ExitCode == 2, r.Stderr);
        Assert.Contains("huge.tiff", r.Stderr);
        Assert.Contains("overflowed", r.Stderr);
    }
}

public class ParseMessageTests
{
    [Fact]
    public void Values_of_the_wrong_type_are_named_in_plain_words()
    {
        var r = CliRunner.Run("eval", "--dataset", "d", "--category", "c", "--maps", "m", "--min-defect-area", "0.5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("as a whole number", r.Stderr);
        Assert.DoesNotContain("System.", r.Stderr);
    }
}
