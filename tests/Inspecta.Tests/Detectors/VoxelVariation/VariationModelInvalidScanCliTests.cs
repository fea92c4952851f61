using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Tests.Detectors.ThreeD;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.VoxelVariation;

/// <summary>Fixed-pose dome scans and one depth-vm and one voxel-vm model fitted on them through the CLI (with stored thresholds).</summary>
public sealed class VariationModelFixture : IDisposable
{
    private readonly TempDir _tmp = new();
    public string Root { get; }
    public string Model(string method) => _tmp[method + ".inspecta"];

    public VariationModelFixture()
    {
        Root = FixedPoseScans.Write(_tmp["data"]);
        foreach (string method in (string[])["depth-vm", "voxel-vm"])
        {
            var fit = CliRunner.Run("fit", "--dataset", Root, "--category", "dome", "--method", method, "--out", Model(method));
            if (fit.ExitCode != 0) throw new InvalidOperationException(fit.Stderr + fit.Stdout);
        }
    }

    public string GoodScan => Path.Combine(Root, "dome", "test", "good", "xyz", "000.tiff");

    public void Dispose() => _tmp.Dispose();
}

/// <summary>
/// depth-vm and voxel-vm never pass a scan with missing data silently as good: a scan without a single valid point is a
/// user error naming the file, and a large hole in the object (pixels invalid where training always measured) is flagged.
/// </summary>
public class VariationModelInvalidScanCliTests(VariationModelFixture fx) : IClassFixture<VariationModelFixture>
{
    private static string WriteScan(TempDir tmp, string name, Action<ImageF> edit, string source)
    {
        var xyz = ImageIO.Read(source);
        edit(xyz);
        Directory.CreateDirectory(tmp["scans/xyz"]);
        string path = tmp[$"scans/xyz/{name}.tiff"];
        ImageIO.WriteTiff(path, xyz);
        return path;
    }

    [Theory]
    [InlineData("depth-vm", float.NaN)]
    [InlineData("depth-vm", 0f)]
    [InlineData("voxel-vm", float.NaN)]
    [InlineData("voxel-vm", 0f)]
    public void A_scan_without_any_valid_point_is_a_user_error_naming_the_file(string method, float fill)
    {
        using var tmp = new TempDir();
        string scan = WriteScan(tmp, "empty", x => Array.Fill(x.Data, fill), fx.GoodScan);
        var r = CliRunner.Run("predict", "--model", fx.Model(method), "--input", scan, "--out", tmp["out"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(scan, r.Stderr);
        Assert.Contains("no valid point", r.Stderr);
        Assert.False(File.Exists(tmp["out/empty.tiff"]));
    }

    [Theory]
    [InlineData("depth-vm")]
    [InlineData("voxel-vm")]
    public void A_hole_in_the_object_is_flagged_above_the_stored_threshold_and_segmented(string method)
    {
        using var tmp = new TempDir();
        const int n = FixedPoseScans.Size, lo = n / 2 - 8, hi = n / 2 + 8;
        WriteScan(tmp, "intact", _ => { }, fx.GoodScan);
        WriteScan(tmp, "holed", x =>
        {
            // A 16×16 px hole in the dome (the sensor returns nothing there): invalid pixels, NaN as MVTec 3D-AD stores them.
            for (int c = 0; c < 3; c++)
                for (int y = lo; y < hi; y++)
                    for (int u = lo; u < hi; u++) x.Data[c * n * n + y * n + u] = float.NaN;
        }, fx.GoodScan);
        var r = CliRunner.Run("predict", "--model", fx.Model(method), "--input", tmp["scans"], "--out", tmp["out"], "--json");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var rows = JsonNode.Parse(r.Stdout)!["images"]!.AsArray();
        var intact = rows.Single(x => x!["id"]!.GetValue<string>() == "intact")!;
        var holed = rows.Single(x => x!["id"]!.GetValue<string>() == "holed")!;
        // (Whether the intact scan passes depends on depth noise against a threshold from two validation scans; the hole must not.)
        Assert.True(holed["defective"]!.GetValue<bool>(), r.Stdout); // the verdict rule: the hole is one region far above the minimum defect area
        Assert.True(holed["score"]!.GetValue<float>() > intact["score"]!.GetValue<float>(), r.Stdout);
        Assert.True(holed["defect_pixels"]!.GetValue<int>() - intact["defect_pixels"]!.GetValue<int>() > 128, r.Stdout);

        // The hole itself is segmented: most of its pixels lie above the stored pixel threshold.
        using var trained = TrainedModel.Load(fx.Model(method));
        var map = ImageIO.Read(tmp["out/holed.tiff"]);
        int above = 0;
        for (int y = lo; y < hi; y++)
            for (int u = lo; u < hi; u++) if (map.Data[y * n + u] > trained.Thresholds!.Pixel) above++;
        Assert.True(above > (hi - lo) * (hi - lo) / 2, $"{above} hole pixels above the pixel threshold");
    }
}

/// <summary>Model files written before invalid-pixel scoring still load and predict as they did (occupancy / depth only).</summary>
public class VariationModelLegacyFileTests(VariationModelFixture fx) : IClassFixture<VariationModelFixture>
{
    /// <summary>Rewrites a current model file the way the previous version wrote it.</summary>
    private static string WriteLegacy(string current, string legacy)
    {
        var reader = Inspecta.Persistence.ModelReader.Open(current);
        var writer = new Inspecta.Persistence.ModelWriter(reader.Method);
        foreach (var (key, value) in reader.Parameters)
            if (key != "scans" || reader.Method == "voxel-vm") writer.Parameters[key] = value?.DeepClone();
        foreach (string name in (reader.Manifest["arrays"] as JsonObject)!.Select(a => a.Key))
        {
            string dtype = reader.Manifest["arrays"]![name]!["dtype"]!.GetValue<string>();
            if (name == "pixel_valid_count")
            {
                var counts = reader.ReadInts(name);
                writer.AddArray("pixel_seen", counts.Select(c => (byte)(c > 0 ? 1 : 0)).ToArray(), counts.Length);
                continue;
            }
            if (dtype == "float32") { var d = reader.ReadFloats(name, out var shape); writer.AddArray(name, d, shape); }
            else { var d = reader.ReadInts(name); writer.AddArray(name, d, d.Length); }
        }
        writer.WriteTo(legacy);
        return legacy;
    }

    private static Inspecta.Datasets.Sample Scan(string path) =>
        new("s", "", Inspecta.Datasets.Split.Test, "unlabelled") { GeometryPath = path };

    [Theory]
    [InlineData("depth-vm")]
    [InlineData("voxel-vm")]
    public void Legacy_files_load_and_leave_missing_pixels_unscored(string method)
    {
        using var tmp = new TempDir();
        string legacyPath = WriteLegacy(fx.Model(method), tmp["legacy.inspecta"]);
        using var current = TrainedModel.Load(fx.Model(method));
        using var legacy = TrainedModel.Load(legacyPath);
        const int n = FixedPoseScans.Size, lo = n / 2 - 8, hi = n / 2 + 8;
        var xyz = ImageIO.Read(fx.GoodScan);
        for (int c = 0; c < 3; c++)
            for (int y = lo; y < hi; y++)
                for (int u = lo; u < hi; u++) xyz.Data[c * n * n + y * n + u] = float.NaN;
        ImageIO.WriteTiff(tmp["holed.tiff"], xyz);
        var now = current.Detector.Predict(Scan(tmp["holed.tiff"]));
        var before = legacy.Detector.Predict(Scan(tmp["holed.tiff"]));
        Assert.True(now.Score > before.Score, $"{method}: current {now.Score} vs legacy {before.Score}");
        if (method == "depth-vm")
        {
            // Only missing pixels differ: the legacy model leaves them at 0.
            for (int p = 0; p < n * n; p++)
            {
                bool hole = p / n >= lo && p / n < hi && p % n >= lo && p % n < hi;
                if (hole) Assert.Equal(0f, before.Map!.Data[p]);
                else if (!float.IsNaN(xyz.Data[2 * n * n + p]) && xyz.Data[2 * n * n + p] != 0) Assert.Equal(now.Map!.Data[p], before.Map!.Data[p]);
            }
        }
    }
}
