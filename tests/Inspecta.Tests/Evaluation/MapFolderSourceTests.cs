using Inspecta.Datasets;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Evaluation;

public class MapFolderSourceTests
{
    private static readonly Sample[] Samples =
    [
        new("000", "", Split.Test, "good"),
        new("001", "", Split.Test, "good"),
        new("000", "", Split.Test, "crack"),
    ];

    private static Mask Gt(Sample s)
    {
        var m = new Mask(8, 12);
        if (!s.IsGood) for (int x = 2; x < 6; x++) m[3, x] = 255;
        return m;
    }

    private static float[] Ramp(int h, int w, float scale) => Enumerable.Range(0, h * w).Select(i => scale * (i % w + i / w)).ToArray();

    private static void WriteAll(TempDir dir, int h, int w)
    {
        foreach (var s in Samples)
            TestTiff.WriteFloat(MapFolderSource.MapPath(dir.Path, "toy", s), h, w, Ramp(h, w, s.IsGood ? 0.1f : 0.2f));
    }

    [Fact]
    public void ReadsMapsAndScoresByTheirMaximum()
    {
        using var dir = new TempDir();
        WriteAll(dir, 8, 12);
        var input = MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null);
        Assert.False(input.IsLoco);
        Assert.Empty(input.Notes);
        Assert.Equal(3, input.Images.Count);
        Assert.Equal(0.2f * (11 + 7), input.Images[2].Score, 1e-6);
        Assert.Equal("crack", input.Images[2].Label);
    }

    [Fact]
    public void ResizesSmallerMapsToTheGroundTruthAndSaysSo()
    {
        using var dir = new TempDir();
        WriteAll(dir, 4, 6);
        var input = MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null);
        var note = Assert.Single(input.Notes);
        Assert.Contains("6×4", note);
        Assert.Contains("12×8", note);
        Assert.All(input.Images, i => Assert.Equal((8, 12), (i.Map.Height, i.Map.Width)));
        // A linear ramp stays linear under bilinear upsampling (away from the clamped border).
        var m = input.Images[0].Map;
        Assert.Equal(m[4, 5] - m[4, 4], m[4, 7] - m[4, 6], 1e-6);
    }

    [Fact]
    public void ListsEveryMissingMap()
    {
        using var dir = new TempDir();
        WriteAll(dir, 8, 12);
        File.Delete(MapFolderSource.MapPath(dir.Path, "toy", Samples[0]));
        File.Delete(MapFolderSource.MapPath(dir.Path, "toy", Samples[2]));
        var ex = Assert.Throws<InspectaUserException>(() => MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null));
        Assert.Contains("2 of 3", ex.Message);
        Assert.Contains(Path.Combine("test", "good", "000.tiff"), ex.Message);
        Assert.Contains(Path.Combine("test", "crack", "000.tiff"), ex.Message);
        Assert.DoesNotContain("001.tiff", ex.Message);
    }

    [Fact]
    public void AlsoReadsMapsStoredPerLabelDirectlyUnderTheFolder()
    {
        // `inspecta predict --input <category>/test --out maps` writes maps/<label>/<id>.tiff.
        using var dir = new TempDir();
        foreach (var s in Samples)
            TestTiff.WriteFloat(Path.Combine(dir.Path, s.Label, s.Id + ".tiff"), 8, 12, Ramp(8, 12, s.IsGood ? 0.1f : 0.2f));
        var input = MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null);
        Assert.Equal(0.2f * (11 + 7), input.Images[2].Score, 1e-6);
        File.Delete(Path.Combine(dir.Path, "crack", "000.tiff"));
        var ex = Assert.Throws<InspectaUserException>(() => MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null));
        Assert.Contains(Path.Combine(dir.Path, "crack", "000.tiff"), ex.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void RejectsNonFiniteScoresNamingTheFile(float bad)
    {
        using var dir = new TempDir();
        WriteAll(dir, 8, 12);
        var data = Ramp(8, 12, 1);
        data[2 * 12 + 5] = bad;
        string path = MapFolderSource.MapPath(dir.Path, "toy", Samples[1]);
        TestTiff.WriteFloat(path, 8, 12, data);
        var ex = Assert.Throws<InspectaUserException>(() => MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains("x=5, y=2", ex.Message);
    }

    [Fact]
    public void RejectsAnEightBitTiff_InsteadOfReading255AsOne()
    {
        using var dir = new TempDir();
        WriteAll(dir, 8, 12);
        string path = MapFolderSource.MapPath(dir.Path, "toy", Samples[1]);
        TestTiff.WriteByte(path, 8, 12, Enumerable.Repeat((byte)255, 8 * 12).ToArray());
        var ex = Assert.Throws<InspectaUserException>(() => MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null));
        Assert.StartsWith(path, ex.Message);
        Assert.Contains("8-bit integer samples", ex.Message);
        Assert.Contains("255 → 1.0", ex.Message);
    }

    [Fact]
    public void RejectsUnreadableTiffNamingTheFile()
    {
        using var dir = new TempDir();
        WriteAll(dir, 8, 12);
        string path = MapFolderSource.MapPath(dir.Path, "toy", Samples[2]);
        File.WriteAllBytes(path, [(byte)'I', (byte)'I', 42, 0, 1, 2, 3, 4, 5, 6]);
        var ex = Assert.Throws<InspectaUserException>(() => MapFolderSource.Load(dir.Path, "toy", Samples, Gt, null, null));
        Assert.StartsWith(path, ex.Message);
    }

    [Fact]
    public void MissingFolderIsAUserError()
    {
        var ex = Assert.Throws<InspectaUserException>(() => MapFolderSource.Load("/nonexistent/maps", "toy", Samples, Gt, null, null));
        Assert.StartsWith("/nonexistent/maps", ex.Message);
    }
}
