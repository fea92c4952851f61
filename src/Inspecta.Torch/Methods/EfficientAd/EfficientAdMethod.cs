using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary><c>efficientad</c>: the registered descriptor.</summary>
public sealed class EfficientAdMethod : MethodDescriptor<EfficientAdOptions>
{
    public const string MethodId = "efficientad";
    public override string Id => MethodId;
    public override string Summary => "EfficientAD-S (Batzner et al.): PDN-S teacher distilled from ResNet-18, student with hard-feature loss, autoencoder branch; map = quantile-normalised student–teacher and student–autoencoder errors";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>One teacher and one student epoch of 4 draws at 64².</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 64), ("epochs", 1), ("teacher-epochs", 1), ("samples-per-epoch", 4), ("batch-size", 2)];
    protected override IAnomalyDetector Create(EfficientAdOptions options) => new EfficientAdDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => EfficientAdDetector.Load(reader, ReadOptions(reader));
}
