using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.PointPatchCore;

public sealed class PointPatchCoreMethod : MethodDescriptor<PointPatchCoreOptions>
{
    public override string Id => PointPatchCoreDetector.MethodId;
    public override string Summary => "Point-cloud PatchCore: FPS patches with mean-FPFH (or centroid) descriptors, optional registration to the template; per-point scores";
    public override InputKind Input => InputKind.PointCloud;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("centres", 32), ("patch-points", 16)];
    protected override IAnomalyDetector Create(PointPatchCoreOptions options) => new PointPatchCoreDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => PointPatchCoreDetector.Load(reader, ReadOptions(reader));
}
