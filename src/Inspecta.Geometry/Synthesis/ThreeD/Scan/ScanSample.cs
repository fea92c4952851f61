using Inspecta.Datasets;
using Inspecta.Geometry;
using Inspecta.Imaging;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// One MVTec 3D-AD-style sample in memory: RGB, organised xyz (3 float planes; invalid pixels are 0),
/// ground truth, and the same scan rendered without the defect.
/// </summary>
public sealed record ScanSample(string Category, Split Split, string Label, string Id, ImageF Rgb, ImageF Xyz, Mask GroundTruth,
    ImageF CleanRgb, ImageF CleanXyz)
{
    /// <summary>The xyz image as an organised cloud (interleaved per pixel).</summary>
    public OrganizedCloud ToOrganizedCloud()
    {
        int h = Xyz.Height, w = Xyz.Width, plane = h * w;
        var xyz = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            xyz[3 * i] = Xyz.Data[i]; xyz[3 * i + 1] = Xyz.Data[plane + i]; xyz[3 * i + 2] = Xyz.Data[2 * plane + i];
        }
        return new OrganizedCloud(h, w, xyz);
    }
}
