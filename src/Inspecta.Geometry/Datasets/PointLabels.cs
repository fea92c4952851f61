using Inspecta.Geometry;
using Inspecta.Geometry.IO;

namespace Inspecta.Datasets;

/// <summary>Per-point ground truth of a point-cloud sample (Real3D-AD / Anomaly-ShapeNet <c>x y z label</c> files).</summary>
public static class PointLabels
{
    /// <summary>
    /// The ground-truth cloud (positions with labels, 1 = anomalous): the sample's label file, or for a good sample
    /// without one the sample's own cloud with all-zero labels. A label file without a label column is a user error.
    /// </summary>
    public static PointCloud Load(Sample sample)
    {
        if (sample.PointLabelsPath is { } path)
        {
            var gt = XyzFormat.Read(path);
            if (gt.Labels is null) throw InspectaUserException.ForFile(path, "ground truth needs a label column (x y z label).");
            return gt;
        }
        if (!sample.IsGood) throw InspectaUserException.ForFile(sample.Path, "defect point cloud has no per-point ground truth.");
        string cloudPath = sample.GeometryPath ?? sample.Path;
        var cloud = PointCloudIO.Read(cloudPath);
        var positions = cloud.Positions;
        return new PointCloud(positions) { Labels = new int[cloud.Count] };
    }
}
