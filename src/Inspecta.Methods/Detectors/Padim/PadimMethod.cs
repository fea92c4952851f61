using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Padim;

public sealed class PadimMethod : MethodDescriptor<PadimOptions>
{
    public override string Id => PadimDetector.MethodId;
    public override string Summary => "PaDiM (Defard et al.): per-position Gaussians of CNN features, Mahalanobis map";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("channels", 24)];
    protected override IAnomalyDetector Create(PadimOptions options) => new PadimDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => PadimDetector.Load(reader, ReadOptions(reader));
}
