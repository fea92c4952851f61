using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.ReverseDistillation;

/// <summary><c>reverse-distillation</c>: the registered descriptor.</summary>
public sealed class ReverseDistillationMethod : MethodDescriptor<ReverseDistillationOptions>
{
    public const string MethodId = "reverse-distillation";
    public override string Id => MethodId;
    public override string Summary => "Reverse Distillation (Deng & Li): frozen ResNet-18 encoder, one-class bottleneck, reverse-ResNet decoder restoring layer1-3; map = sum of per-scale 1 − cosine";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>One epoch of 8 draws at 32²: every part runs in about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("epochs", 1), ("samples-per-epoch", 8), ("batch-size", 4)];
    protected override IAnomalyDetector Create(ReverseDistillationOptions options) => new ReverseDistillationDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => ReverseDistillationDetector.Load(reader, ReadOptions(reader));
}
