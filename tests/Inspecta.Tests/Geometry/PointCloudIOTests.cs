using System.Text;
using BitMiracle.LibTiff.Classic;
using Inspecta.Geometry;
using Inspecta.Geometry.IO;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Geometry;

public class PointCloudIOTests
{
    private static string Pcl(string name) => SharedData.Path_("data", "pcl_testdata", name);

    [SharedTheory("data", "pcl_testdata")]
    [InlineData("bunny.pcd", 397, PcdEncoding.Ascii)]
    [InlineData("bun0.pcd", 397, PcdEncoding.Ascii)]
    [InlineData("rops_cloud.pcd", 32087, PcdEncoding.Ascii)]
    [InlineData("sac_plane_test.pcd", 3283, PcdEncoding.Ascii)]
    [InlineData("colored_cloud.pcd", 1000, PcdEncoding.Binary)]
    [InlineData("milk.pcd", 13704, PcdEncoding.BinaryCompressed)]
    [InlineData("milk_color.pcd", 13704, PcdEncoding.BinaryCompressed)]
    [InlineData("car6.pcd", 10031, PcdEncoding.BinaryCompressed)]
    [InlineData("cturtle.pcd", 167198, PcdEncoding.BinaryCompressed)]
    [InlineData("noisy_slice_displaced.pcd", 3782, PcdEncoding.BinaryCompressed)]
    [InlineData("table_scene_mug_stereo_textured.pcd", 307200, PcdEncoding.BinaryCompressed)]
    public void ReadsRealPclFilesWithTheDeclaredPointCountAndSaneCoordinates(string file, int points, PcdEncoding encoding)
    {
        var header = PcdReader.ReadHeader(Pcl(file));
        Assert.Equal(points, header.Points);
        Assert.Equal(encoding, header.Encoding);
        var cloud = PointCloudIO.Read(Pcl(file));
        Assert.Equal(points, cloud.Count);
        int finite = 0;
        for (int i = 0; i < cloud.Positions.Length; i++)
        {
            float v = cloud.Positions[i];
            if (!float.IsFinite(v)) continue;
            finite++;
            Assert.InRange(v, -100f, 100f);
        }
        Assert.True(finite > cloud.Positions.Length / 3, $"{file}: too few finite coordinates ({finite}).");
    }

    [SharedFact("data", "pcl_testdata")]
    public void AsciiNormalsAndExtraFieldsAreRead()
    {
        var cloud = PointCloudIO.Read(Pcl("bun0.pcd"));
        Assert.NotNull(cloud.Normals);
        for (int i = 0; i < cloud.Count; i++)
        {
            var n = cloud.Normals!.AsSpan(3 * i, 3);
            Assert.InRange(MathF.Sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]), 0.999f, 1.001f);
        }
        var curvature = cloud.FindField("curvature");
        Assert.NotNull(curvature);
        Assert.Equal(PointFieldType.Float32, curvature!.Type);
        Assert.Equal(0.0030943851f, (float)curvature.Values[0]);
        Assert.Equal(0.0054215998f, cloud.Positions[0]);
        Assert.Equal(-0.87609947f, cloud.Normals![2]);

        // bunny.pcd holds the same points printed with fewer digits.
        var bunny = PointCloudIO.Read(Pcl("bunny.pcd"));
        for (int i = 0; i < bunny.Positions.Length; i++) Assert.Equal(cloud.Positions[i], bunny.Positions[i], 1e-6f);

        var turtle = PointCloudIO.Read(Pcl("cturtle.pcd"));
        Assert.NotNull(turtle.FindField("intensity"));
    }

    [SharedFact("data", "pcl_testdata")]
    public void PackedColoursAreDecoded()
    {
        var binary = PointCloudIO.Read(Pcl("colored_cloud.pcd"));
        Assert.NotNull(binary.Colors);
        Assert.NotNull(binary.Normals);
        Assert.All(binary.Colors!, c => Assert.InRange(c, 0f, 1f));
        Assert.True(binary.Colors!.Distinct().Count() > 10, "colours should vary");

        // milk_color is milk with colour: identical geometry from two compressed files.
        var milk = PointCloudIO.Read(Pcl("milk.pcd"));
        var milkColor = PointCloudIO.Read(Pcl("milk_color.pcd"));
        Assert.Equal(milk.Positions, milkColor.Positions);
        Assert.NotNull(milkColor.Colors);
        Assert.NotNull(milkColor.FindField("alpha"));
        Assert.True(milkColor.Colors!.Distinct().Count() > 10);
    }

    [SharedFact("data", "pcl_testdata")]
    public void OrganisedCloudKeepsEveryPixelAndItsShape()
    {
        string path = Pcl("table_scene_mug_stereo_textured.pcd");
        var cloud = PointCloudIO.Read(path);
        Assert.True(cloud.IsOrganized);
        Assert.Equal((640, 480), (cloud.Width, cloud.Height));
        int nan = 0;
        for (int i = 0; i < cloud.Count; i++) if (float.IsNaN(cloud.Positions[3 * i])) nan++;
        Assert.InRange(nan, 1, cloud.Count / 2);
        Assert.Equal(new System.Numerics.Quaternion(1, 0, 0, 0), cloud.Viewpoint.Orientation); // VIEWPOINT 0 0 0 0 1 0 0 (qw qx qy qz)

        var organised = PointCloudIO.ReadOrganized(path);
        Assert.Equal((480, 640), (organised.Height, organised.Width));
        var valid = organised.ToPointCloud(out int[] pixels);
        Assert.Equal(cloud.Count - nan, valid.Count);
        Assert.Equal(cloud.Positions.AsSpan(3 * pixels[^1], 3).ToArray(), valid.Point(valid.Count - 1).ToArray());
    }

    [SharedTheory("data", "pcl_testdata")]
    [InlineData("bun0.pcd")]
    [InlineData("colored_cloud.pcd")]
    [InlineData("milk_color.pcd")]
    [InlineData("cturtle.pcd")]
    [InlineData("table_scene_mug_stereo_textured.pcd")]
    public void PcdRoundTripsAreBitExactInEveryEncoding(string file)
    {
        var original = PointCloudIO.Read(Pcl(file));
        using var tmp = new TempDir();
        foreach (var enc in Enum.GetValues<PcdEncoding>())
        {
            string path = tmp[$"rt_{enc}.pcd"];
            PointCloudIO.Write(path, original, new PointCloudWriteOptions { PcdEncoding = enc });
            Assert.Equal(enc, PcdReader.ReadHeader(path).Encoding);
            AssertSameCloud(original, PointCloudIO.Read(path));
        }
    }

    [SharedFact("data", "pcl_testdata")]
    public void ReadsCubePlyAndRoundTripsPlyWithAScoreField()
    {
        var cube = PointCloudIO.Read(Pcl("cube.ply"));
        Assert.Equal(24, cube.Count);
        Assert.Equal(24, PlyReader.ReadHeader(Pcl("cube.ply")).Vertices);
        // A cube: every coordinate sits on one of two values per axis.
        for (int a = 0; a < 3; a++)
            Assert.Equal(2, Enumerable.Range(0, cube.Count).Select(i => cube.Positions[3 * i + a]).Distinct().Count());

        var cloud = PointCloudIO.Read(Pcl("colored_cloud.pcd"));
        var score = new float[cloud.Count];
        for (int i = 0; i < score.Length; i++) score[i] = MathF.Sin(i) * 1e-3f + i;
        cloud.SetField("score", score);
        cloud.Labels = Enumerable.Range(0, cloud.Count).Select(i => i % 3 - 1).ToArray();
        using var tmp = new TempDir();
        foreach (var enc in Enum.GetValues<PlyEncoding>())
        {
            string path = tmp[$"rt_{enc}.ply"];
            PointCloudIO.Write(path, cloud, new PointCloudWriteOptions { PlyEncoding = enc });
            var back = PointCloudIO.Read(path);
            AssertSameCloud(cloud, back, checkOrganisation: false);
            Assert.Equal(score, back.FindField("score")!.ToFloatArray());
        }
    }

    [Fact]
    public void TextFormatsReadLabelsAndNormalsAndRoundTrip()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["gt.txt"], "# x y z label\n0.5 1 2 0\n1.5, 2, 3, 1\n-1e-3\t4 5 1.000000\n");
        var gt = PointCloudIO.Read(tmp["gt.txt"]);
        Assert.Equal(3, gt.Count);
        Assert.Equal(new[] { 0, 1, 1 }, gt.Labels);
        Assert.Equal(-1e-3f, gt.Positions[6]);

        File.WriteAllText(tmp["n.xyz"], "0 0 0 0 0 1\n1 0 0 0 1 0\n");
        var withNormals = PointCloudIO.Read(tmp["n.xyz"]);
        Assert.Equal(new[] { 0f, 0, 1, 0, 1, 0 }, withNormals.Normals);
        Assert.Null(withNormals.Labels);

        var rnd = new Random(3);
        var cloud = new PointCloud(Enumerable.Range(0, 300).Select(_ => (float)rnd.NextDouble() * 1e3f - 500f).ToArray())
        {
            Normals = Enumerable.Range(0, 300).Select(_ => (float)rnd.NextDouble()).ToArray(),
            Labels = Enumerable.Range(0, 100).Select(i => i % 2).ToArray(),
        };
        PointCloudIO.Write(tmp["rt.txt"], cloud);
        AssertSameCloud(cloud, PointCloudIO.Read(tmp["rt.txt"]));

        cloud.SetField("score", Enumerable.Range(0, 100).Select(i => i * 0.25f).ToArray());
        XyzFormat.WriteColumns(tmp["score.txt"], cloud, ["x", "y", "z", "score"]);
        var lines = File.ReadAllLines(tmp["score.txt"]);
        Assert.Equal(100, lines.Length);
        Assert.Equal("0.75", lines[3].Split(' ')[3]);
        Assert.Equal(cloud.Positions[9], float.Parse(lines[3].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Throws<ArgumentException>(() => XyzFormat.WriteColumns(tmp["bad.txt"], cloud, ["x", "nope"]));
    }

    [Fact]
    public void MultiComponentFieldsTypesAndViewpointSurviveEveryPcdEncoding()
    {
        int n = 7;
        var cloud = new PointCloud(Enumerable.Range(0, 3 * n).Select(i => i * 0.5f - 3f).ToArray())
        {
            Viewpoint = new Viewpoint(new System.Numerics.Vector3(1, 2, 3), System.Numerics.Quaternion.Normalize(new System.Numerics.Quaternion(0.1f, 0.2f, 0.3f, 0.9f))),
            Colors = Enumerable.Range(0, 3 * n).Select(i => (i * 37 % 256) / 255f).ToArray(),
        };
        cloud.SetField(new PointField("fpfh", PointFieldType.Float32, 33, Enumerable.Range(0, 33 * n).Select(i => (double)(float)(i / 7.0)).ToArray()));
        cloud.SetField(new PointField("ring", PointFieldType.UInt16, 1, Enumerable.Range(0, n).Select(i => (double)(i * 1000)).ToArray()));
        cloud.SetField(new PointField("t", PointFieldType.Float64, 1, Enumerable.Range(0, n).Select(i => Math.PI * i).ToArray()));
        cloud.SetField(new PointField("flag", PointFieldType.Int8, 1, Enumerable.Range(0, n).Select(i => (double)(i - 3)).ToArray()));
        cloud.SetOrganized(7, 1);
        using var tmp = new TempDir();
        foreach (var enc in Enum.GetValues<PcdEncoding>())
        {
            PointCloudIO.Write(tmp[$"m_{enc}.pcd"], cloud, new PointCloudWriteOptions { PcdEncoding = enc });
            var back = PointCloudIO.Read(tmp[$"m_{enc}.pcd"]);
            AssertSameCloud(cloud, back);
            Assert.Equal(PointFieldType.UInt16, back.FindField("ring")!.Type);
            Assert.Equal(PointFieldType.Float64, back.FindField("t")!.Type);
        }
        foreach (var enc in Enum.GetValues<PlyEncoding>())
        {
            PointCloudIO.Write(tmp[$"m_{enc}.ply"], cloud, new PointCloudWriteOptions { PlyEncoding = enc });
            var back = PointCloudIO.Read(tmp[$"m_{enc}.ply"]);
            Assert.Equal(cloud.FindField("t")!.Values, back.FindField("t")!.Values);
            Assert.Equal(cloud.FindField("flag")!.Values, back.FindField("flag")!.Values);
            Assert.Equal((float)(40 / 7.0), (float)back.FindField("fpfh_7")!.Values[1]); // point 1, component 7
            Assert.Equal(cloud.Colors, back.Colors);
        }
    }

    [Fact]
    public void MvtecXyzTiffBecomesAnOrganisedCloudWithInvalidPixels()
    {
        using var tmp = new TempDir();
        string path = tmp["xyz.tiff"];
        const int w = 5, h = 4;
        var xyz = new float[h * w * 3];
        for (int p = 0; p < h * w; p++) { xyz[3 * p] = p % w * 0.1f; xyz[3 * p + 1] = p / w * 0.2f; xyz[3 * p + 2] = 1f + p; }
        xyz[3 * 7] = xyz[3 * 7 + 1] = xyz[3 * 7 + 2] = 0; // invalid pixel as MVTec 3D-AD stores it
        using (var tif = Tiff.Open(path, "w"))
        {
            tif.SetField(TiffTag.IMAGEWIDTH, w); tif.SetField(TiffTag.IMAGELENGTH, h);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, 3); tif.SetField(TiffTag.BITSPERSAMPLE, 32);
            tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP); tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tif.SetField(TiffTag.PHOTOMETRIC, Photometric.RGB); tif.SetField(TiffTag.ROWSPERSTRIP, h);
            for (int y = 0; y < h; y++)
            {
                var row = new byte[w * 12];
                Buffer.BlockCopy(xyz, y * w * 12, row, 0, row.Length);
                tif.WriteScanline(row, y);
            }
        }
        var org = PointCloudIO.ReadOrganized(path);
        Assert.Equal((h, w), (org.Height, org.Width));
        Assert.Equal(xyz, org.Xyz);
        Assert.False(org.IsValid(7));
        Assert.Equal(h * w - 1, org.ToPointCloud(out _).Count);
        var cloud = PointCloudIO.Read(path);
        Assert.True(cloud.IsOrganized);
        Assert.True(float.IsNaN(cloud.Positions[21]));
    }

    [Fact]
    public void LzfRoundTripsAndRejectsCorruptStreams()
    {
        var rnd = new Random(5);
        foreach (int n in new[] { 0, 1, 2, 3, 31, 32, 33, 1000, 100_000 })
        {
            var data = new byte[n];
            // Mix of random and repetitive runs so both literals and long matches occur.
            for (int i = 0; i < n; i++) data[i] = (i / 500 % 2 == 0) ? (byte)rnd.Next(256) : (byte)(i % 7);
            var packed = Lzf.Compress(data);
            var back = new byte[n];
            Assert.Equal(n, Lzf.Decompress(packed, back));
            Assert.Equal(data, back);
        }
        var zeros = new byte[10_000];
        Assert.True(Lzf.Compress(zeros).Length < 200);
        Assert.Equal(-1, Lzf.Decompress([0x20, 0x05], new byte[16])); // back-reference before the start
    }

    [Fact]
    public void MalformedAndTruncatedFilesGiveUserErrorsNamingTheFile()
    {
        using var tmp = new TempDir();
        var header = "VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 3\nHEIGHT 1\nPOINTS 3\n";
        void Expect(string name, byte[] content, string fragment)
        {
            string path = tmp[name];
            File.WriteAllBytes(path, content);
            var ex = Assert.Throws<InspectaUserException>(() => PointCloudIO.Read(path));
            Assert.StartsWith(path, ex.Message);
            Assert.Contains(fragment, ex.Message);
        }
        Expect("trunc_ascii.pcd", Encoding.ASCII.GetBytes(header + "DATA ascii\n1 2 3\n4 5 6\n"), "truncated");
        Expect("trunc_bin.pcd", [.. Encoding.ASCII.GetBytes(header + "DATA binary\n"), .. new byte[30]], "truncated");
        Expect("trunc_lzf.pcd", [.. Encoding.ASCII.GetBytes(header + "DATA binary_compressed\n"), 100, 0, 0, 0, 36, 0, 0, 0, 1], "truncated");
        Expect("bad_lzf.pcd", [.. Encoding.ASCII.GetBytes(header + "DATA binary_compressed\n"), 2, 0, 0, 0, 36, 0, 0, 0, 0x20, 0x05], "corrupt");
        Expect("no_data.pcd", Encoding.ASCII.GetBytes(header), "DATA");
        Expect("bad_enc.pcd", Encoding.ASCII.GetBytes(header + "DATA zip\n"), "encoding");
        Expect("bad_size.pcd", Encoding.ASCII.GetBytes(header.Replace("SIZE 4 4 4", "SIZE 4 4") + "DATA ascii\n"), "SIZE");
        Expect("bad_points.pcd", Encoding.ASCII.GetBytes(header.Replace("POINTS 3", "POINTS 4") + "DATA ascii\n"), "POINTS");
        Expect("bad_value.pcd", Encoding.ASCII.GetBytes(header + "DATA ascii\n1 2 3\n4 x 6\n7 8 9\n"), "'x'");
        Expect("no_xyz.pcd", Encoding.ASCII.GetBytes(header.Replace("FIELDS x y z", "FIELDS a b c") + "DATA ascii\n1 2 3\n4 5 6\n7 8 9\n"), "'x'");
        Expect("garbage.pcd", Encoding.ASCII.GetBytes("hello world\n"), "not a PCD");
        Expect("empty.pcd", [], "empty");
        Expect("not.ply", Encoding.ASCII.GetBytes("plx\n"), "not a PLY");
        Expect("noend.ply", Encoding.ASCII.GetBytes("ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\n"), "end_header");
        Expect("trunc.ply", Encoding.ASCII.GetBytes("ply\nformat binary_little_endian 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n0123456789"), "truncated");
        Expect("trunc_ascii.ply", Encoding.ASCII.GetBytes("ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n1 2 3\n4 5\n"), "truncated");
        Expect("bad_type.ply", Encoding.ASCII.GetBytes("ply\nformat ascii 1.0\nelement vertex 1\nproperty quad x\nend_header\n"), "property");
        Expect("cols.txt", Encoding.ASCII.GetBytes("1 2 3\n1 2\n"), "columns");
        Expect("five.xyz", Encoding.ASCII.GetBytes("1 2 3 4 5\n"), "columns");
        Expect("word.xyz", Encoding.ASCII.GetBytes("1 2 abc\n"), "'abc'");
        Expect("points.obj", Encoding.ASCII.GetBytes("v 1 2 3\n"), "extension");

        var missing = Assert.Throws<InspectaUserException>(() => PointCloudIO.Read(tmp["nope.pcd"]));
        Assert.Contains("not found", missing.Message);
    }

    internal static void AssertSameCloud(PointCloud expected, PointCloud actual, bool checkOrganisation = true)
    {
        Assert.Equal(expected.Count, actual.Count);
        AssertBits(expected.Positions, actual.Positions);
        AssertBits(expected.Normals, actual.Normals);
        AssertBits(expected.Colors, actual.Colors);
        Assert.Equal(expected.Labels, actual.Labels);
        if (checkOrganisation)
        {
            Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
            Assert.Equal(expected.Viewpoint, actual.Viewpoint);
        }
        foreach (var f in expected.Fields)
        {
            var g = actual.FindField(f.Name);
            Assert.NotNull(g);
            Assert.Equal(f.Components, g!.Components);
            Assert.Equal(f.Values, g.Values);
        }
    }

    private static void AssertBits(float[]? expected, float[]? actual)
    {
        if (expected is null) { Assert.Null(actual); return; }
        Assert.NotNull(actual);
        Assert.Equal(expected.Length, actual!.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"value {i}: expected {expected[i]} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}), got {actual[i]} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8})");
    }
}
