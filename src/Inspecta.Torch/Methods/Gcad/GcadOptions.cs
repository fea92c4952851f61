using Inspecta.Detectors.Options;
using Inspecta.Torch.Methods.StudentTeacher;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// Options of <c>--method gcad</c> (thesis §7, MVTec LOCO configuration): 256×256 RGB, local teachers at p = 17 and 33
/// (d_loc = 128), d_glo = 10, bottleneck g = 32, Adam lr 10⁻⁴, weight decay 10⁻⁵, 500 epochs; epochs 1–50 train E_glo,
/// U and R_loc, later ones R_glo too; the skip connections fade to 0 over the first 100 epochs. The teachers are the
/// patch teachers of student-teacher: distilled here, or taken from a student-teacher model with --teachers.
/// </summary>
public sealed record GcadOptions : PatchTeacherOptions
{
    public GcadOptions()
    {
        Scales = [17, 33];
        LearningRate = 1e-4;
        WeightDecay = 1e-5;
        BatchSize = 1;
        SamplesPerEpoch = 256;
        Epochs = 500;
    }

    [Option("global-dim", "Feature channels d_glo of the global encoder's output.", Min = 1, Max = 512)]
    public int GlobalDim { get; init; } = 10;

    [Option("bottleneck", "Dimension g of the global encoder's bottleneck vector.", Min = 1, Max = 4096)]
    public int Bottleneck { get; init; } = 32;

    [Option("global-width", "Channels of the global encoder's first convolution (then 2×, 4×, 8×, 8×).", Min = 2, Max = 512)]
    public int GlobalWidth { get; init; } = 32;

    [Option("unet-width", "Channels of the regression U-Nets' first level (the reference implementation: 64, a 1024-channel latent).", Min = 2, Max = 256)]
    public int UNetWidth { get; init; } = 64;

    [Option("first-phase-epochs", "Epochs before R_glo joins the training (E_glo, U and R_loc train from the start).", Min = 0, Max = 100_000)]
    public int FirstPhaseEpochs { get; init; } = 50;

    [Option("skip-fade-epochs", "Epochs over which the global encoder's skip weights fall from 1 to 0, the highest resolution first.", Min = 0, Max = 100_000)]
    public int SkipFadeEpochs { get; init; } = 100;

    internal override string MethodId => GcadMethod.MethodId;
    internal int StepsPerEpoch => (SamplesPerEpoch + BatchSize - 1) / BatchSize;

    public override void Validate()
    {
        base.Validate();
        if (ImageSize % 32 != 0)
            throw new InspectaUserException($"{MethodId}: --image-size must be a multiple of 32 (the global encoder halves it five times), got {ImageSize}.");
        if (FirstPhaseEpochs >= Epochs)
            throw new InspectaUserException($"{MethodId}: --first-phase-epochs {FirstPhaseEpochs} leaves no epoch of --epochs {Epochs} for the global regression network.");
        if (SkipFadeEpochs > Epochs)
            throw new InspectaUserException($"{MethodId}: --skip-fade-epochs {SkipFadeEpochs} is more than --epochs {Epochs}: the skip connections would still carry local detail at the end.");
    }
}
