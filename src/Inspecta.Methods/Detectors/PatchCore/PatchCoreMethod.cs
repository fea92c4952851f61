using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.PatchCore;

public sealed class PatchCoreMethod : MethodDescriptor<PatchCoreOptions>
{
    public override string Id => PatchCoreDetector.MethodId;
    public override string Summary => "PatchCore (Roth et al.): coreset memory bank of CNN patch features";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("coreset", 0.3)];
    protected override IAnomalyDetector Create(PatchCoreOptions options) => new PatchCoreDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => PatchCoreDetector.Load(reader, ReadOptions(reader));
}
