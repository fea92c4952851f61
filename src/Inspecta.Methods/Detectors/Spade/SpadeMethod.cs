using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Spade;

public sealed class SpadeMethod : MethodDescriptor<SpadeOptions>
{
    public override string Id => SpadeDetector.MethodId;
    public override string Summary => "SPADE (Cohen & Hoshen): global kNN images, then pixel kNN in their feature maps";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("top-images", 3)];
    protected override IAnomalyDetector Create(SpadeOptions options) => new SpadeDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => SpadeDetector.Load(reader, ReadOptions(reader));
}
