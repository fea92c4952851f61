using Inspecta.Detectors.Options;
using Inspecta.Torch.Methods.Distillation;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// Options of <c>--method efficientad</c> (EfficientAD-S, Batzner et al., "EfficientAD: Accurate Visual Anomaly
/// Detection at Millisecond-Level Latencies", WACV 2024): 256² RGB, Adam lr 10⁻⁴ with weight decay 10⁻⁵, hard-feature
/// quantile 0.999. The paper pretrains the PDN teacher once on ImageNet from a WideResNet-101 and trains the student for
/// 70 000 steps of batch 1; there is no ImageNet here, so the teacher is distilled from the built-in ResNet-18 on the
/// category's own training images (--teacher-epochs), or taken from an earlier efficientad model (--teacher). The student
/// and autoencoder train for --epochs × --samples-per-epoch draws.
/// </summary>
public sealed record EfficientAdOptions : TeacherOptions
{
    public EfficientAdOptions()
    {
        LearningRate = 1e-4;
        WeightDecay = 1e-5;
        BatchSize = 8;
        Epochs = 20;
        SamplesPerEpoch = 256;
    }

    [Option("teacher-epochs", "Epochs (of --samples-per-epoch draws) distilling the backbone into the PDN teacher; ignored with --teacher.", Min = 1, Max = 100_000)]
    public int TeacherEpochs { get; init; } = 20;

    [Option("teacher-learning-rate", "Adam learning rate of the teacher's distillation.", Above = 0)]
    public double TeacherLearningRate { get; init; } = 1e-3;

    [Option("teacher", "Reuse the PDN teacher of this earlier efficientad model (.inspecta) instead of distilling one; its descriptors are re-normalised on this category's images.", Persist = false, DefaultText = "distil from --backbone")]
    public string? Teacher { get; init; }

    [Option("hard-quantile", "The student's hard-feature loss averages the squared errors at or above this quantile (the paper: 0.999).", Min = 0, Max = 1)]
    public double HardQuantile { get; init; } = 0.999;

    internal override string MethodId => EfficientAdMethod.MethodId;

    public override void Validate()
    {
        // The autoencoder's encoder halves five times to (S/32)² before its last conv; the PDN needs 8×8 outputs at least.
        if (ImageSize < 64 || ImageSize % 32 != 0)
            throw new InspectaUserException($"{MethodId}: --image-size must be a multiple of 32 and at least 64 (the PDN's receptive field is " +
                                            $"{PatchDescriptionNetwork.ReceptiveField} px and the autoencoder halves the image five times), got {ImageSize}.");
    }
}
