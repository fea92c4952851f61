using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Geometry;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.IO;
using Inspecta.Tests.Geometry;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

public class PcCommandTests
{
    private static float[][] ReadRows(string path) =>
        File.ReadAllLines(path).Select(l => l.Split(' ').Select(v => v == "nan" ? float.NaN : float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Fact]
    public void Fpfh_OfAnEmptyPly_IsAUserError()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["empty.ply"], "ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nproperty float y\nproperty float z\nend_header\n");
        var r = CliRunner.Run("pc", "fpfh", "--input", tmp["empty.ply"], "--feature-radius", "0.08", "--out", tmp["f.txt"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{tmp["empty.ply"]}: holds no points", r.Stderr);
        Assert.False(File.Exists(tmp["f.txt"]));
    }

    [Fact]
    public void FpfhUsesTheNormalsOfAPlyFileAndMatchesTheLibrary()
    {
        using var tmp = new TempDir();
        var cloud = FeatureTests.WavySurface(1500, 21);
        cloud.SetField("score", new float[cloud.Count]);
        PointCloudIO.Write(tmp["pts.ply"], cloud);
        var r = CliRunner.Run("pc", "fpfh", "--input", tmp["pts.ply"], "--feature-radius", "0.08", "--max-nn", "60", "--out", tmp["f.txt"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("normals from the input", r.Stdout);
        var rows = ReadRows(tmp["f.txt"]);
        Assert.Equal(cloud.Count, rows.Length);
        var expected = Fpfh.Compute(cloud, 0.08f, 60);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(33, rows[i].Length);
            for (int j = 0; j < 33; j++) Assert.Equal(expected[i * 33 + j], rows[i][j]);
            for (int g = 0; g < 3; g++) Assert.Equal(200f, rows[i].Skip(g * 11).Take(11).Sum(), 2);
        }
    }

    [Fact]
    public void FpfhEstimatesNormalsForPlainXyzAndAPlaneGivesOneHistogram()
    {
        using var tmp = new TempDir();
        var rnd = new Random(8);
        File.WriteAllLines(tmp["plane.xyz"], Enumerable.Range(0, 800).Select(_ => FormattableString.Invariant($"{rnd.NextDouble()} {rnd.NextDouble()} 2")));
        var r = CliRunner.Run("pc", "fpfh", "--input", tmp["plane.xyz"], "--feature-radius", "0.1", "--normal-radius", "0.07", "--viewpoint", "0,0,10", "--out", tmp["f.txt"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = ReadRows(tmp["f.txt"]);
        Assert.Equal(800, rows.Length);
        Assert.All(rows, row => Assert.Equal(rows[0], row));
        Assert.Equal(200f, rows[0][5]);

        var noNormals = CliRunner.Run("pc", "fpfh", "--input", tmp["plane.xyz"], "--feature-radius", "0.1", "--out", tmp["g.txt"]);
        Assert.Equal(2, noNormals.ExitCode);
        Assert.Contains("--normal-radius", noNormals.Stderr);
        Assert.False(File.Exists(tmp["g.txt"]));

        Assert.Equal(2, CliRunner.Run("pc", "fpfh", "--input", tmp["plane.xyz"], "--feature-radius", "0.1", "--normal-radius", "0.07", "--viewpoint", "1,2", "--out", tmp["g.txt"]).ExitCode);
        Assert.Equal(2, CliRunner.Run("pc", "fpfh", "--input", tmp["plane.xyz"], "--feature-radius", "-1", "--normal-radius", "0.07", "--out", tmp["g.txt"]).ExitCode);
        Assert.Equal(2, CliRunner.Run("pc", "fpfh", "--input", tmp["plane.xyz"], "--out", tmp["g.txt"]).ExitCode); // --feature-radius missing
    }

    [Fact]
    public void MissingAndMalformedInputsExitWith2AndNameTheFile()
    {
        using var tmp = new TempDir();
        var missing = CliRunner.Run("pc", "fpfh", "--input", tmp["nope.ply"], "--feature-radius", "0.1", "--out", tmp["f.txt"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.ply", missing.Stderr);
        Assert.Contains("not found", missing.Stderr);
        Assert.DoesNotContain("   at ", missing.Stderr);

        File.WriteAllText(tmp["bad.pcd"], "VERSION 0.7\nFIELDS x y z\nSIZE 4 4\nTYPE F F F\nWIDTH 1\nPOINTS 1\nDATA ascii\n1 2 3\n");
        var bad = CliRunner.Run("pc", "info", tmp["bad.pcd"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.pcd", bad.Stderr);
        Assert.Contains("SIZE", bad.Stderr);

        File.WriteAllText(tmp["bad.ply"], "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n");
        var truncated = CliRunner.Run("pc", "fpfh", "--input", tmp["bad.ply"], "--feature-radius", "0.1", "--out", tmp["f.txt"]);
        Assert.Equal(2, truncated.ExitCode);
        Assert.Contains("truncated", truncated.Stderr);
    }

    [Fact]
    public void InfoReportsPointsFieldsAndBounds()
    {
        using var tmp = new TempDir();
        var cloud = new PointCloud([0, 0, 0, 1, 2, 3, -1, 5, 0.5f]) { Labels = [0, 1, 1] };
        cloud.SetField("score", [0.1f, 0.9f, 0.8f]);
        PointCloudIO.Write(tmp["c.pcd"], cloud, new PointCloudWriteOptions { PcdEncoding = PcdEncoding.BinaryCompressed });
        var r = CliRunner.Run("pc", "info", tmp["c.pcd"], "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(3, (int)json["points"]!);
        Assert.Equal("BinaryCompressed", (string)json["encoding"]!);
        Assert.Equal(new[] { "x", "y", "z", "label", "score" }, json["fields"]!.AsArray().Select(f => (string)f!).ToArray());
        Assert.Equal(2, (int)json["anomalousPoints"]!);
        Assert.Equal(-1f, (float)json["min"]![0]!);
        Assert.Equal(5f, (float)json["max"]![1]!);

        var text = CliRunner.Run("pc", "info", tmp["c.pcd"]);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("3 (3 finite)", text.Stdout);
    }

    [SharedFact("data", "pcl_testdata")]
    public void InfoAndConvertWorkOnRealPclFiles()
    {
        string table = SharedData.Path_("data", "pcl_testdata", "table_scene_mug_stereo_textured.pcd");
        var r = CliRunner.Run("pc", "info", table, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(307200, (int)json["points"]!);
        Assert.True((bool)json["organized"]!);
        Assert.Equal(640, (int)json["width"]!);
        Assert.True((int)json["finitePoints"]! < 307200);

        using var tmp = new TempDir();
        string bun = SharedData.Path_("data", "pcl_testdata", "bun0.pcd");
        var c = CliRunner.Run("pc", "convert", bun, tmp["bun.ply"], "--encoding", "ascii");
        Assert.True(c.ExitCode == 0, c.Stderr);
        PointCloudIOTests.AssertSameCloud(PointCloudIO.Read(bun), PointCloudIO.Read(tmp["bun.ply"]), checkOrganisation: false);
    }
}
