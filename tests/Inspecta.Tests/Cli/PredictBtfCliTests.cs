using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Tests.Detectors.ThreeD;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>A btf-raw model fitted once through the CLI on a small MVTec 3D-AD-layout category (48 px scans).</summary>
public sealed class BtfPredictFixture : IDisposable
{
    public SyntheticScanCategory Data { get; } = new(size: 48, train: 6, testGood: 2, perDefect: 1, seed: 5);
    private readonly TempDir _tmp = new();
    public string Model => _tmp["btf-raw.inspecta"];

    public BtfPredictFixture()
    {
        var fit = CliRunner.Run("fit", "--dataset", Data.Root, "--category", SyntheticScanCategory.ObjectName, "--method", "btf-raw",
            "--image-size", "48", "--out", Model);
        if (fit.ExitCode != 0) throw new InvalidOperationException(fit.Stderr + fit.Stdout);
    }

    public void Dispose() { Data.Dispose(); _tmp.Dispose(); }
}

/// <summary><c>inspecta predict</c> with BTF models: a single xyz TIFF, an MVTec 3D-AD test folder, scans without rgb.</summary>
public class PredictBtfCliTests(BtfPredictFixture fx) : IClassFixture<BtfPredictFixture>
{
    private const int Size = 48;

    private static JsonArray Rows(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        return JsonNode.Parse(r.Stdout)!["images"]!.AsArray();
    }

    [Fact]
    public void Predict_on_one_xyz_tiff_writes_the_map_overlay_and_mask_at_scan_size_equal_to_the_library_prediction()
    {
        using var tmp = new TempDir();
        var category = fx.Data.Read();
        var sample = category.Test.First(s => s.Label == "hole");
        var rows = Rows(CliRunner.Run("predict", "--model", fx.Model, "--input", sample.GeometryPath!, "--out", tmp["out"], "--json"));
        var row = Assert.Single(rows);
        Assert.Equal(sample.Id, row!["id"]!.GetValue<string>());
        Assert.Equal(sample.GeometryPath, row["path"]!.GetValue<string>());

        var map = ImageIO.Read(tmp[$"out/{sample.Id}.tiff"]);
        Assert.Equal((1, Size, Size), (map.Channels, map.Height, map.Width));
        Assert.True(File.Exists(tmp[$"out/{sample.Id}_overlay.png"]), "the rgb sibling gives an overlay");
        Assert.True(File.Exists(tmp[$"out/{sample.Id}_mask.png"]), "fit stored a threshold, so predict writes a mask");

        using var trained = TrainedModel.Load(fx.Model);
        var expected = trained.Detector.Predict(sample);
        Assert.Equal(expected.Map!.Data, map.Data);
        Assert.Equal(expected.Score, row["score"]!.GetValue<float>());
    }

    [Fact]
    public void Predict_on_a_category_test_folder_lists_every_scan_once_with_defect_and_id_and_scores_like_eval()
    {
        using var tmp = new TempDir();
        var category = fx.Data.Read();
        var rows = Rows(CliRunner.Run("predict", "--model", fx.Model, "--input", Path.Combine(fx.Data.CategoryDir, "test"), "--out", tmp["out"], "--json"));
        Assert.Equal(category.Test.Count, rows.Count);
        using var trained = TrainedModel.Load(fx.Model);
        foreach (var s in category.Test)
        {
            // <defect>/<id>, the layout `eval --maps` reads (the xyz folder is dropped, rgb and gt are not inputs).
            string id = Path.Combine(s.Label, s.Id);
            var row = rows.Single(r => r!["id"]!.GetValue<string>() == id)!;
            Assert.Equal(s.GeometryPath, row["path"]!.GetValue<string>());
            var map = ImageIO.Read(tmp[$"out/{id}.tiff"]);
            Assert.Equal((Size, Size), (map.Height, map.Width));
            Assert.True(File.Exists(tmp[$"out/{id}_overlay.png"]));
            Assert.Equal(trained.Detector.Predict(s).Score, row["score"]!.GetValue<float>());
        }

        var eval = CliRunner.Run("eval", "--dataset", fx.Data.Root, "--category", SyntheticScanCategory.ObjectName, "--maps", tmp["out"], "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr + eval.Stdout);
        Assert.Equal(category.Test.Count, JsonNode.Parse(eval.Stdout)!["n_images"]!.GetValue<int>());
    }

    [Fact]
    public void Predict_on_scans_without_rgb_siblings_still_writes_maps_for_geometry_only_btf()
    {
        using var tmp = new TempDir();
        string source = Path.Combine(fx.Data.CategoryDir, "test", "hole", "xyz");
        Directory.CreateDirectory(tmp["scans/part/xyz"]);
        foreach (string f in Directory.GetFiles(source)) File.Copy(f, Path.Combine(tmp["scans/part/xyz"], Path.GetFileName(f)));
        var rows = Rows(CliRunner.Run("predict", "--model", fx.Model, "--input", tmp["scans"], "--out", tmp["out"], "--json"));
        Assert.Equal(Directory.GetFiles(source).Length, rows.Count);
        Assert.Equal("part/000", rows[0]!["id"]!.GetValue<string>());
        Assert.Equal((Size, Size), (ImageIO.Read(tmp["out/part/000.tiff"]).Height, ImageIO.Read(tmp["out/part/000.tiff"]).Width));
        Assert.False(File.Exists(tmp["out/part/000_overlay.png"]), "no rgb, no overlay");
    }

    [Fact]
    public void Predict_on_a_folder_without_scans_is_a_user_error()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["empty"]);
        File.Copy(Directory.GetFiles(Path.Combine(fx.Data.CategoryDir, "test", "hole", "rgb"))[0], tmp["empty/000.png"]);
        var r = CliRunner.Run("predict", "--model", fx.Model, "--input", tmp["empty"], "--out", tmp["out"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("xyz scans", r.Stderr);
    }

    [Fact]
    public void Btf_fpfh_rgb_predicts_with_the_rgb_sibling_and_names_the_missing_rgb_file_otherwise()
    {
        using var tmp = new TempDir();
        var fit = CliRunner.Run("fit", "--dataset", fx.Data.Root, "--category", SyntheticScanCategory.ObjectName, "--method", "btf-fpfh-rgb",
            "--backbone", TestBackbones.ResNet18, "--layers", "layer1,layer2",
            "--image-size", "64", "--coreset", "0.5", "--out", tmp["rgb.inspecta"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);

        var sample = fx.Data.Read().Test.First(s => s.Label == "hole");
        var rows = Rows(CliRunner.Run("predict", "--model", tmp["rgb.inspecta"], "--input", sample.GeometryPath!, "--out", tmp["out"], "--json"));
        using (var trained = TrainedModel.Load(tmp["rgb.inspecta"]))
        {
            var expected = trained.Detector.Predict(sample);
            Assert.Equal(expected.Score, Assert.Single(rows)!["score"]!.GetValue<float>());
            Assert.Equal(expected.Map!.Data, ImageIO.Read(tmp[$"out/{sample.Id}.tiff"]).Data);
        }

        // The same scan without its rgb sibling: the xyz floats must not be read as colours.
        Directory.CreateDirectory(tmp["bare/hole/xyz"]);
        string bare = tmp[$"bare/hole/xyz/{sample.Id}.tiff"];
        File.Copy(sample.GeometryPath!, bare);
        var r = CliRunner.Run("predict", "--model", tmp["rgb.inspecta"], "--input", tmp["bare"], "--out", tmp["out2"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(Path.Combine(tmp["bare/hole/rgb"], sample.Id + ".png"), r.Stderr);
        Assert.Contains("btf-fpfh-rgb", r.Stderr);
        Assert.False(File.Exists(tmp[$"out2/hole/{sample.Id}.tiff"]));
    }
}
