using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Btf;

/// <summary>BTF with raw xyz or FPFH patch features.</summary>
public sealed class BtfMethod(BtfFeatures features) : MethodDescriptor<BtfOptions>
{
    public override string Id => BtfDetector.MethodIdOf(features);
    public override string Summary => features == BtfFeatures.Raw
        ? "BTF (Horwitz & Hoshen): raw xyz patches of organised scans in a PatchCore memory bank"
        : "BTF (Horwitz & Hoshen): FPFH patches of organised scans in a PatchCore memory bank";
    public override InputKind Input => InputKind.OrganizedScan;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("coreset", 0.5)];
    protected override IAnomalyDetector Create(BtfOptions options) => new BtfDetector(features, options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => BtfDetector.Load(reader, ReadOptions(reader));
}

/// <summary>BTF with FPFH plus PatchCore's RGB features from a backbone.</summary>
public sealed class BtfRgbMethod : MethodDescriptor<BtfRgbOptions>
{
    public override string Id => BtfDetector.FpfhRgbId;
    public override string Summary => "BTF (Horwitz & Hoshen): FPFH + RGB PatchCore features of organised scans";
    public override InputKind Input => InputKind.OrganizedScan;
    public override MethodNeeds Needs => MethodNeeds.Backbone;
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions => [("image-size", 64), ("coreset", 0.5)];
    protected override IAnomalyDetector Create(BtfRgbOptions options) => new BtfDetector(BtfFeatures.FpfhRgb, options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => BtfDetector.Load(reader, ReadOptions(reader));
}
