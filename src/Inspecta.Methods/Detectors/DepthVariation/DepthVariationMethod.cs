using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.DepthVariation;

public sealed class DepthVariationMethod : MethodDescriptor<DepthVariationOptions>
{
    public override string Id => DepthVariationDetector.MethodId;
    public override string Summary => "Depth variation model (MVTec 3D-AD paper): per-pixel depth mean and deviation of organised scans";
    public override InputKind Input => InputKind.OrganizedScan;
    protected override IAnomalyDetector Create(DepthVariationOptions options) => new DepthVariationDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => DepthVariationDetector.Load(reader);
}
