using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.VariationModel;

public sealed class VariationMethod : MethodDescriptor<VariationOptions>
{
    public override string Id => VariationModelDetector.MethodId;
    public override string Summary => "Variation model: per-pixel mean and deviation, optional rigid alignment (Steger et al.)";
    public override InputKind Input => InputKind.Image;
    protected override IAnomalyDetector Create(VariationOptions options) => new VariationModelDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => VariationModelDetector.Load(reader, ReadOptions(reader));
}
