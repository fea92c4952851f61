namespace Inspecta.Detectors.PointPatchCore;

/// <summary>Patch descriptor of pc-patchcore.</summary>
public enum PointDescriptor
{
    /// <summary>Mean FPFH (33-d) of the patch's points: pose-invariant local shape.</summary>
    Fpfh,
    /// <summary>The patch centroid (3-d): where the surface is; meaningful only with registration to the template.</summary>
    Xyz,
}

/// <summary>
/// Scale-dependent settings of pc-patchcore, derived once from the first training template so that test clouds of a
/// different density are described at the same scale: clouds are voxel down-sampled at <see cref="VoxelSize"/>
/// (1/100 of the template's bounding-box diagonal), normals use 3 voxels (≈ 30 neighbours on a surface, BTF's max_nn)
/// and FPFH 6 voxels (≈ 100 neighbours, BTF's ratio of 0.25 to 0.1).
/// </summary>
public sealed record PointPatchSettings(PointDescriptor Descriptor, int Centres, int PatchPoints, float VoxelSize, float NormalRadius, float FeatureRadius)
{
    public const int NormalMaxNeighbours = 30, FeatureMaxNeighbours = 100;
    public const float VoxelsPerDiagonal = 100f, NormalVoxels = 3f, FeatureVoxels = 6f;

    public int Dimension => Descriptor == PointDescriptor.Fpfh ? Geometry.Features.Fpfh.Dimensions : 3;

    public static PointPatchSettings ForDiagonal(PointDescriptor descriptor, int centres, int patchPoints, float diagonal)
    {
        float voxel = diagonal / VoxelsPerDiagonal;
        return new PointPatchSettings(descriptor, centres, patchPoints, voxel, NormalVoxels * voxel, FeatureVoxels * voxel);
    }

    public static PointDescriptor ParseDescriptor(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "fpfh" => PointDescriptor.Fpfh,
        "xyz" or "raw" => PointDescriptor.Xyz,
        _ => throw new InspectaUserException($"Unknown point descriptor '{text}'. Known: fpfh, xyz."),
    };
}
