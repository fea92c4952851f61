using Inspecta.Detectors.Options;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.FAnoGan;

/// <summary>
/// Options of <c>--method f-anogan</c>, as configured for MVTec AD (thesis §1.2): grayscale images zoomed to 256×256, random
/// 64×64 patches, latent 128, WGAN-GP with 5 critic iterations per generator iteration and gradient-penalty weight 10, Adam
/// lr 10⁻⁴ (β = 0, 0.9) and batch 64 for the GAN; then the izif encoder (lr 5·10⁻⁵) with generator and critic frozen.
/// Prediction evaluates non-overlapping patches (stride = patch size).
/// </summary>
public sealed record FAnoGanOptions : TrainedMethodOptions
{
    public FAnoGanOptions()
    {
        BatchSize = 64;
        LearningRate = 1e-4;
        WeightDecay = 0;
    }

    [Option("image-size", "Working resolution: every image is converted to grayscale and zoomed to this square.", Min = 16, Max = 4096)]
    public int ImageSize { get; init; } = 256;

    [Option("patch-size", "GAN patch size: 16, 32, 64 or 128.", Min = 16, Max = 128)]
    public int PatchSize { get; init; } = 64;

    [Option("stride", "Patch stride at prediction.", Min = 1, DefaultText = "the patch size")]
    public int? Stride { get; init; }

    [Option("latent", "Size of the latent code z.", Min = 1, Max = 4096)]
    public int Latent { get; init; } = 128;

    [Option("width", "Channels of the critic's first layer; the generator mirrors it (w → 2w → 4w …).", Min = 4, Max = 512)]
    public int Width { get; init; } = 64;

    [Option("critic-iterations", "Critic steps per generator step (WGAN-GP).", Min = 1, Max = 100)]
    public int CriticIterations { get; init; } = 5;

    [Option("gradient-penalty", "Gradient-penalty weight λ.", Min = 0, Max = 1e6)]
    public double GradientPenalty { get; init; } = 10;

    [Option("feature-weight", "Weight κ of the critic-feature term in the izif loss and the anomaly score.", Min = 0, Max = 1e6)]
    public double FeatureWeight { get; init; } = 1;

    [Option("encoder-epochs", "Epochs of the izif encoder phase (of --samples-per-epoch each).", Min = 1, Max = 100_000, DefaultText = "as many as --epochs")]
    public int? EncoderEpochs { get; init; }

    [Option("encoder-learning-rate", "Learning rate of the encoder phase.", Above = 0)]
    public double EncoderLearningRate { get; init; } = 5e-5;

    internal int EffectiveStride => Stride ?? PatchSize;

    public override void Validate()
    {
        const string m = FAnoGanMethod.MethodId;
        if (PatchSize is not (16 or 32 or 64 or 128)) throw new InspectaUserException($"{m}: --patch-size must be 16, 32, 64 or 128, got {PatchSize}.");
        if (ImageSize < PatchSize) throw new InspectaUserException($"{m}: --image-size {ImageSize} is smaller than --patch-size {PatchSize}.");
        if (EffectiveStride > PatchSize) throw new InspectaUserException($"{m}: --stride must be at most the patch size {PatchSize}, got {EffectiveStride}.");
    }
}
