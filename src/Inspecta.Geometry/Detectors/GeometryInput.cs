using Inspecta.Datasets;
using Inspecta.Geometry;
using Inspecta.Geometry.IO;

namespace Inspecta.Detectors;

/// <summary>Reads a sample's 3D data for the 3D detectors, with messages that name the sample and the method.</summary>
public static class GeometryInput
{
    /// <summary>
    /// The organised scan of an MVTec 3D-AD-style sample (xyz TIFF or organised PCD). A scan without a single valid
    /// point (every pixel NaN or zero) is refused as a user error naming the file: it is a failed acquisition or a
    /// wrong file, there is nothing to compare, and any score for it — 0, i.e. "good", above all — would be a silently
    /// wrong verdict. An inspection line must stop and look at such a part, not pass it (nor train on it).
    /// </summary>
    public static OrganizedCloud ReadScan(Sample sample, string method)
    {
        string path = sample.GeometryPath
            ?? throw InspectaUserException.ForFile(SampleImages.Describe(sample), $"{method} needs organised 3D scans (an MVTec 3D-AD xyz TIFF per sample); this sample has none.");
        var scan = PointCloudIO.ReadOrganized(path);
        if (!HasValidPoint(scan))
            throw InspectaUserException.ForFile(path, $"the scan has no valid point (all {scan.Width}×{scan.Height} pixels are NaN or zero); {method} cannot score an empty acquisition — check the sensor or the file.");
        return scan;
    }

    private static bool HasValidPoint(OrganizedCloud scan)
    {
        for (int p = 0; p < scan.PixelCount; p++) if (scan.IsValid(p)) return true;
        return false;
    }

    /// <summary>The point cloud of a sample (Real3D-AD / Anomaly-ShapeNet <c>.pcd</c>, any readable cloud file); non-finite points are an error.</summary>
    public static PointCloud ReadCloud(Sample sample, string method)
    {
        string path = sample.GeometryPath ?? (string.IsNullOrEmpty(sample.Path) ? null : sample.Path)
            ?? throw new InspectaUserException($"{method}: sample {sample} has no point cloud file.");
        var cloud = PointCloudIO.Read(path);
        if (cloud.Count == 0) throw InspectaUserException.ForFile(path, "the point cloud is empty.");
        var p = cloud.Positions;
        for (int i = 0; i < p.Length; i++)
            if (!float.IsFinite(p[i])) throw InspectaUserException.ForFile(path, $"point {i / 3} has a non-finite coordinate; {method} needs an unorganised cloud of measured points.");
        return cloud;
    }

    /// <summary>Checks that every scan of a category has the training resolution.</summary>
    public static void RequireSize(OrganizedCloud scan, Sample sample, int height, int width, string method)
    {
        if (scan.Height != height || scan.Width != width)
            throw InspectaUserException.ForFile(sample.GeometryPath ?? SampleImages.Describe(sample),
                $"scan is {scan.Width}×{scan.Height} but {method} was fitted on {width}×{height} scans; all scans must share one size.");
    }
}
