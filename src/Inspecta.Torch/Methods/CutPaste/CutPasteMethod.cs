using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary><c>cutpaste</c>: the registered descriptor.</summary>
public sealed class CutPasteMethod : MethodDescriptor<CutPasteOptions>
{
    public const string MethodId = "cutpaste";
    public override string Id => MethodId;
    public override string Summary => "CutPaste (Li et al.): the pretrained ResNet-18 fine-tuned to tell normal / CutPaste / scar images apart; score = Mahalanobis distance of the embedding to the good images' Gaussian, map from patches";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.Backbone | MethodNeeds.TrainingEngine;
    /// <summary>One epoch of 4 draws at 32² with 16² patches: about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("epochs", 1), ("samples-per-epoch", 4), ("batch-size", 2), ("patch-size", 16), ("patch-stride", 16), ("head-width", 8)];
    protected override IAnomalyDetector Create(CutPasteOptions options) => new CutPasteDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => CutPasteDetector.Load(reader, ReadOptions(reader));
}
