using System.IO.Compression;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Persistence;

public class ModelFileTests
{
    [Fact]
    public void ArraysAndManifestRoundTripExactly()
    {
        using var tmp = new TempDir();
        var w = new ModelWriter("test-method");
        w.Parameters["k"] = 3;
        float[] data = [1.5f, float.Epsilon, -0f, 3.25e-7f, float.MaxValue, 42f];
        w.AddArray("bank", data, 2, 3);
        w.AddArray("idx", new[] { 7, -1 });
        string path = tmp["m.inspecta"];
        w.WriteTo(path);

        var r = ModelReader.Open(path);
        Assert.Equal("test-method", r.Method);
        Assert.Equal(3, r.Parameters["k"]!.GetValue<int>());
        var back = r.ReadFloats("bank", out var shape);
        Assert.Equal([2, 3], shape);
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal([7, -1], r.ReadInts("idx"));
        Assert.Single(Directory.GetFiles(tmp.Path)); // no temp file left behind
    }

    [Fact]
    public void NewerMajorVersionIsRejectedWithClearError()
    {
        using var tmp = new TempDir();
        var w = new ModelWriter("x");
        w.Manifest["format_version"] = $"{ModelFormat.Major + 1}.0";
        string path = tmp["new.inspecta"];
        w.WriteTo(path);
        var ex = Assert.Throws<InspectaUserException>(() => ModelReader.Open(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("newer", ex.Message);
    }

    [Fact]
    public void CorruptAndMissingFilesNameTheFile()
    {
        using var tmp = new TempDir();
        string junk = tmp["junk.inspecta"];
        File.WriteAllText(junk, "not a zip");
        Assert.Contains(junk, Assert.Throws<InspectaUserException>(() => ModelReader.Open(junk)).Message);
        string missing = tmp["missing.inspecta"];
        Assert.Contains("not found", Assert.Throws<InspectaUserException>(() => ModelReader.Open(missing)).Message);
    }

    [Fact]
    public void TruncatedArrayIsDetected()
    {
        using var tmp = new TempDir();
        var w = new ModelWriter("x");
        w.AddArray("a", new float[] { 1, 2, 3, 4 });
        string path = tmp["t.inspecta"];
        w.WriteTo(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("a.bin")!.Delete();
            using var s = zip.CreateEntry("a.bin").Open();
            s.Write(new byte[6]);
        }
        var ex = Assert.Throws<InspectaUserException>(() => ModelReader.Open(path).ReadFloats("a"));
        Assert.Contains("truncated", ex.Message);
    }
}
