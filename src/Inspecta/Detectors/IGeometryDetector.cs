namespace Inspecta.Detectors;

/// <summary>What a 3D detector reads from each sample.</summary>
public enum GeometryKind
{
    /// <summary>An organised scan (MVTec 3D-AD xyz TIFF); predictions are maps at the scan's resolution.</summary>
    OrganizedScan,
    /// <summary>An unorganised point cloud (PCD, PLY, XYZ/TXT); predictions are per-point scores.</summary>
    PointCloud,
}

/// <summary>A detector that reads <see cref="Datasets.Sample.GeometryPath"/> instead of the image; tools use this to list inputs.</summary>
public interface IGeometryDetector
{
    GeometryKind Input { get; }
}
