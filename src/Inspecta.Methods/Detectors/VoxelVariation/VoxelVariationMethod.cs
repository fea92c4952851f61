using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.VoxelVariation;

public sealed class VoxelVariationMethod : MethodDescriptor<VoxelVariationOptions>
{
    public override string Id => VoxelVariationDetector.MethodId;
    public override string Summary => "Voxel variation model (MVTec 3D-AD paper): 64³ occupancy mean and deviation, projected to pixels";
    public override InputKind Input => InputKind.OrganizedScan;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("voxel-resolution", 16)];
    protected override IAnomalyDetector Create(VoxelVariationOptions options) => new VoxelVariationDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => VoxelVariationDetector.Load(reader);
}
