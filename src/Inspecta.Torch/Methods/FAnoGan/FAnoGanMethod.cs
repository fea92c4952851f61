using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.FAnoGan;

public sealed class FAnoGanMethod : MethodDescriptor<FAnoGanOptions>
{
    public const string MethodId = "f-anogan";
    public override string Id => MethodId;
    public override string Summary => "f-AnoGAN (Schlegl et al.): WGAN-GP on grayscale patches, then the izif encoder; map = residual, score = residual + critic-feature loss";
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.TrainingEngine;
    /// <summary>16² patches of a 32² image, a 4-wide net, one epoch per phase: both phases, save and load in about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("patch-size", 16), ("width", 4), ("latent", 8), ("epochs", 1), ("encoder-epochs", 1),
         ("samples-per-epoch", 16), ("batch-size", 8), ("critic-iterations", 1)];
    protected override IAnomalyDetector Create(FAnoGanOptions options) => new FAnoGanDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => FAnoGanDetector.Load(reader, ReadOptions(reader));
}
