using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.FAnoGan;

/// <summary>
/// f-AnoGAN as configured for MVTec AD (thesis §1.2): grayscale images zoomed to 256×256, random 64×64 patches, latent 128,
/// WGAN-GP with 5 critic iterations per generator iteration and gradient-penalty weight 10, Adam lr 10⁻⁴ (β = 0, 0.9) and
/// batch 64 for the GAN; then the izif encoder (lr 5·10⁻⁵) with generator and critic frozen. Prediction evaluates
/// non-overlapping 64×64 patches (stride 64).
/// </summary>
public sealed record FAnoGanOptions
{
    public int ImageSize { get; init; } = 256;
    public int PatchSize { get; init; } = 64;
    public int? Stride { get; init; }
    public int Latent { get; init; } = 128;
    /// <summary>Channel width of the first critic layer; the generator mirrors it (64 → 128 → 256 → 512).</summary>
    public int Width { get; init; } = 64;
    public int CriticIterations { get; init; } = 5;
    public double GradientPenalty { get; init; } = 10;
    /// <summary>Weight κ of the critic-feature term in the izif loss and the anomaly score.</summary>
    public double FeatureWeight { get; init; } = 1;
    /// <summary>The GAN phase; <see cref="TrainingOptions.LearningRate"/> 10⁻⁴, batch 64, no weight decay per the thesis.</summary>
    public TrainingOptions Training { get; init; } = new() { BatchSize = 64, LearningRate = 1e-4, WeightDecay = 0 };
    /// <summary>Encoder epochs (of <see cref="TrainingOptions.SamplesPerEpoch"/>); null = as many as the GAN's.</summary>
    public int? EncoderEpochs { get; init; }
    public double EncoderLearningRate { get; init; } = 5e-5;
    public IProgress<TrainingEpoch>? EpochProgress { get; init; }

    public int EffectiveStride => Stride ?? PatchSize;

    public void Validate()
    {
        const string m = FAnoGanDetector.MethodId;
        if (PatchSize is not (16 or 32 or 64 or 128)) throw new InspectaUserException($"{m}: --patch-size must be 16, 32, 64 or 128, got {PatchSize}.");
        if (ImageSize < PatchSize || ImageSize > 4096) throw new InspectaUserException($"{m}: --image-size must be between the patch size {PatchSize} and 4096, got {ImageSize}.");
        if (EffectiveStride < 1 || EffectiveStride > PatchSize) throw new InspectaUserException($"{m}: --stride must be between 1 and the patch size, got {EffectiveStride}.");
        if (Latent is < 1 or > 4096) throw new InspectaUserException($"{m}: --latent must be between 1 and 4096, got {Latent}.");
        if (Width is < 4 or > 512) throw new InspectaUserException($"{m}: --width must be between 4 and 512, got {Width}.");
        if (CriticIterations < 1) throw new InspectaUserException($"{m}: --critic-iterations must be at least 1, got {CriticIterations}.");
        if (!(GradientPenalty >= 0) || !(FeatureWeight >= 0)) throw new InspectaUserException($"{m}: the gradient-penalty and feature weights must be zero or positive.");
        if (EncoderEpochs is < 1) throw new InspectaUserException($"{m}: --encoder-epochs must be at least 1, got {EncoderEpochs}.");
        if (!(EncoderLearningRate > 0)) throw new InspectaUserException($"{m}: --encoder-learning-rate must be positive, got {EncoderLearningRate}.");
        Training.Validate(m);
    }
}
