using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary><c>ae-l2</c>, <c>ae-ssim</c> and <c>vae</c>: one descriptor type, one options record per method.</summary>
public sealed class AutoencoderMethod<TOptions>(string summary) : MethodDescriptor<TOptions> where TOptions : AutoencoderOptions, new()
{
    public override string Id => new TOptions().Variant.MethodId();
    public override string Summary => summary;
    public override InputKind Input => InputKind.Image;
    public override MethodNeeds Needs => MethodNeeds.TrainingEngine;
    /// <summary>One short epoch at 32² with a small code: every part (augmented draws, loss, validation, save) runs in about a second.</summary>
    public override IReadOnlyList<(string Option, object? Value)> QuickOptions =>
        [("image-size", 32), ("latent", 16), ("epochs", 1), ("samples-per-epoch", 16), ("batch-size", 8)];
    protected override IAnomalyDetector Create(TOptions options) => new AutoencoderDetector(options);
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => AutoencoderDetector.Load(reader, ReadOptions(reader));
}
