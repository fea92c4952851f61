using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.VoxelVariation;

/// <summary>Options of <c>--method voxel-vm</c>.</summary>
public sealed record VoxelVariationOptions : MethodOptions
{
    [Option("voxel-resolution", "Voxels per axis over the training bounding box.", Key = "resolution", Min = 2, Max = 512)]
    public int Resolution { get; init; } = VoxelVariationDetector.DefaultResolution;
}
