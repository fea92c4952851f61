namespace Inspecta.Detectors.Registry;

/// <summary>What a method reads from each sample; tools use it to list and read inputs.</summary>
public enum InputKind
{
    /// <summary>A 2D image; predictions are maps at the image's resolution.</summary>
    Image,
    /// <summary>An organised scan (MVTec 3D-AD xyz TIFF); predictions are maps at the scan's resolution.</summary>
    OrganizedScan,
    /// <summary>An unorganised point cloud (PCD, PLY, XYZ/TXT); predictions are per-point scores.</summary>
    PointCloud,
}
