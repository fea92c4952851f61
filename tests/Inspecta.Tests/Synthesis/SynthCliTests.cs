using System.Security.Cryptography;
using Inspecta.Datasets;
using Inspecta.Geometry.IO;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Synthesis;

public class SynthCliTests
{
    /// <summary>Relative path → SHA-256 of every file under a folder.</summary>
    private static SortedDictionary<string, string> Hashes(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(root, f)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)));
        return result;
    }

    [Fact]
    public void Synth_2d_is_byte_identical_for_a_seed_and_readable_by_the_dataset_readers()
    {
        using var tmp = new TempDir();
        string a = tmp["a"], b = tmp["b"], c = tmp["c"];
        string[] args = ["--count", "3", "--test-count", "2", "--size", "96", "--seed", "42"];
        var run = CliRunner.Run(["synth", "2d", "--out", a, .. args]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(0, CliRunner.Run(["synth", "2d", "--out", b, .. args]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["synth", "2d", "--out", c, "--count", "3", "--test-count", "2", "--size", "96", "--seed", "43", "--categories", "tiles,flange"]).ExitCode);
        var ha = Hashes(a);
        Assert.Equal(ha, Hashes(b));
        Assert.NotEqual(ha[Path.Combine("tiles", "train", "good", "000.png")], Hashes(c)[Path.Combine("tiles", "train", "good", "000.png")]);

        // MVTec AD layout, read back by our reader: masks line up with images and mark defects only.
        var flange = DatasetReader.Open(Path.Combine(a, "flange")).Categories.Single();
        Assert.Equal(3, flange.Train.Count + (flange.ValidationCarved ? flange.Validation.Count : 0));
        Assert.Contains("missing_component", flange.TestLabels);
        foreach (var s in flange.Test.Where(s => !s.IsGood))
        {
            Assert.Single(s.MaskPaths);
            var mask = ImageIO.ReadMask(s.MaskPaths[0]);
            Assert.Equal(96, mask.Width);
            Assert.True(mask.CountNonZero() > 0);
        }
        Assert.All(flange.Test.Where(s => s.IsGood), s => Assert.Empty(s.MaskPaths));

        // LOCO layout for the assembly: validation split, region channels, defects config.
        var assembly = DatasetReader.Open(Path.Combine(a, "assembly")).Categories.Single();
        Assert.Equal(DatasetFormat.MvtecLoco, assembly.Format);
        Assert.NotEmpty(assembly.Validation);
        Assert.NotNull(assembly.DefectsConfig);
        Assert.Contains(assembly.Test, s => s.Label == "logical_anomalies" && s.MaskPaths.Count == 2); // misplaced: old and new place
        Assert.Contains(assembly.Test, s => s.Label == "structural_anomalies");
    }

    [Fact]
    public void Synth_3d_writes_both_styles_deterministically_and_readably()
    {
        using var tmp = new TempDir();
        string[] scan = ["synth", "3d", "--style", "mvtec3d", "--classes", "disc", "--count", "2", "--test-count", "1", "--size", "64", "--seed", "9"];
        string[] shapes = ["synth", "3d", "--classes", "bowl", "--count", "1", "--test-count", "1", "--points", "8000", "8000", "--seed", "9"];
        var r1 = CliRunner.Run([.. scan, "--out", tmp["s1"]]);
        Assert.True(r1.ExitCode == 0, r1.Stderr);
        Assert.Equal(0, CliRunner.Run([.. scan, "--out", tmp["s2"]]).ExitCode);
        Assert.Equal(Hashes(tmp["s1"]), Hashes(tmp["s2"]));
        var r2 = CliRunner.Run([.. shapes, "--out", tmp["p1"], "--json"]);
        Assert.True(r2.ExitCode == 0, r2.Stderr);
        Assert.Contains("\"anomaly_shapenet\"", r2.Stdout);
        Assert.Equal(0, CliRunner.Run([.. shapes, "--out", tmp["p2"]]).ExitCode);
        Assert.Equal(Hashes(tmp["p1"]), Hashes(tmp["p2"]));

        var disc = DatasetReader.Open(tmp["s1"]).Categories.Single();
        Assert.Equal(DatasetFormat.Mvtec3d, disc.Format);
        var sample = disc.Test.First(s => s.Label == "hole");
        Assert.NotNull(sample.GeometryPath);
        var xyz = PointCloudIO.ReadOrganized(sample.GeometryPath!);
        Assert.Equal(64, xyz.Width);
        Assert.True(ImageIO.ReadMask(sample.MaskPaths.Single()).CountNonZero() > 0);

        // Anomaly-ShapeNet: PCD clouds and "x y z label" ground truth with 1-10% anomalous points.
        string bowl = Path.Combine(tmp["p1"], "bowl");
        Assert.Single(Directory.GetFiles(Path.Combine(bowl, "train"), "*template*.pcd"));
        Assert.Equal(6 + 8, Directory.GetFiles(Path.Combine(bowl, "test"), "*.pcd").Length);
        var cloud = PointCloudIO.Read(Path.Combine(bowl, "test", "bowl_crack0.pcd"));
        var gt = File.ReadAllLines(Path.Combine(bowl, "GT", "bowl_crack0.txt"));
        Assert.Equal(cloud.Count, gt.Length);
        double share = gt.Count(l => l.EndsWith(" 1", StringComparison.Ordinal)) / (double)gt.Length;
        Assert.InRange(share, 0.01, 0.10);
    }

    [Fact]
    public void Synth_user_errors_exit_2_with_a_message()
    {
        using var tmp = new TempDir();
        var unknown = CliRunner.Run("synth", "2d", "--out", tmp["x"], "--categories", "teapot");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("teapot", unknown.Stderr);
        var size = CliRunner.Run("synth", "2d", "--out", tmp["x"], "--size", "8");
        Assert.Equal(2, size.ExitCode);
        var meshes = CliRunner.Run("synth", "3d", "--out", tmp["y"], "--meshes", tmp["nothing-here"]);
        Assert.Equal(2, meshes.ExitCode);
        Assert.Contains("mesh folder not found", meshes.Stderr);
        Directory.CreateDirectory(tmp["empty"]);
        Assert.Equal(2, CliRunner.Run("synth", "3d", "--out", tmp["y"], "--meshes", tmp["empty"]).ExitCode);
        Assert.Equal(2, CliRunner.Run("synth", "3d", "--out", tmp["y"], "--style", "voxels").ExitCode);
        Assert.Equal(0, CliRunner.Run("synth", "--help").ExitCode);
    }
}
