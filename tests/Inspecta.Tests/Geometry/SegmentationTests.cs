using Inspecta.Geometry;
using Inspecta.Geometry.Segmentation;

namespace Inspecta.Tests.Geometry;

public class SegmentationTests
{
    [Fact]
    public void DbscanSeparatesDenseClustersFromNoise()
    {
        var rnd = new Random(3);
        var pts = new List<float>();
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 300; i++) pts.AddRange([c * 5 + (float)rnd.NextDouble(), (float)rnd.NextDouble(), 0]);
        pts.AddRange([20, 20, 20, float.NaN, 0, 0]);
        var labels = Dbscan.Cluster(pts.ToArray(), 0.2f, 5);
        Assert.All(labels.Take(300), l => Assert.Equal(0, l));
        Assert.All(labels.Skip(300).Take(300), l => Assert.Equal(1, l));
        Assert.Equal(-1, labels[600]);
        Assert.Equal(-1, labels[601]);
    }

    /// <summary>A 60×80 scan: tilted table plane, a dome in the middle, a small debris blob, a few invalid pixels.</summary>
    private static OrganizedCloud Scan()
    {
        const int h = 60, w = 80;
        var xyz = new float[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                float px = x * 0.001f, py = y * 0.001f;
                float z = 0.5f + 0.05f * px + 0.02f * py;
                float r2 = (x - 40) * (x - 40) + (y - 30) * (y - 30);
                if (r2 < 225) z += 0.0005f * MathF.Sqrt(225 - r2) + 0.006f; // the object
                if (x >= 12 && x < 14 && y >= 12 && y < 14) z += 0.02f;   // debris, far from the object
                xyz[3 * p] = px; xyz[3 * p + 1] = py; xyz[3 * p + 2] = z;
            }
        for (int p = 0; p < 10; p++) xyz[3 * (p * 7)] = xyz[3 * (p * 7) + 1] = xyz[3 * (p * 7) + 2] = 0;
        return new OrganizedCloud(h, w, xyz);
    }

    [Fact]
    public void BackgroundRemovalKeepsOnlyTheObject()
    {
        var scan = Scan();
        var result = BackgroundRemoval.Remove(scan, new BackgroundRemovalOptions { BorderWidth = 5, ClusterEps = 0.003f, ClusterMinPoints = 5 });
        Assert.True(MathF.Abs(result.Plane.Normal.Z) > 0.99f);
        int w = scan.Width;
        for (int y = 0; y < scan.Height; y++)
            for (int x = 0; x < w; x++)
            {
                bool obj = (x - 40) * (x - 40) + (y - 30) * (y - 30) < 225;
                Assert.Equal(obj, result.Scan.IsValid(y * w + x));
            }
        Assert.Equal(4, result.ClusterPixels); // the debris
        Assert.True(scan.IsValid(12 * w + 12)); // input untouched
    }
}
