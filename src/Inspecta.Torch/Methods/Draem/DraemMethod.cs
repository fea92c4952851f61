using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.Draem;

/// <summary><c>draem</c>: the registered descriptor.</summary>
public sealed class DraemMethod : MethodDescriptor<DraemOptions>
{
    public const string MethodId = "draem";
    public override string Id => MethodId;
    public override string Summary => "DRAEM (Zavrtanik et al.): reconstructive + discriminative networks trained on Perlin-masked synthetic anomalies (Inspecta's own textures); map = the segmentation";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.TrainingEngine;
    /// <summary>One epoch of 4 draws at 32² with narrow networks: about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("epochs", 1), ("samples-per-epoch", 4), ("batch-size", 2), ("reconstructive-width", 4), ("discriminative-width", 4), ("score-window", 5)];
    protected override IAnomalyDetector Create(DraemOptions options) => new DraemDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => DraemDetector.Load(reader, ReadOptions(reader));
}
