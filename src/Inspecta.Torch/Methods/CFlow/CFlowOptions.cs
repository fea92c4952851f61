using Inspecta.Detectors.Options;
using Inspecta.Torch.Methods.Distillation;

namespace Inspecta.Torch.Methods.CFlow;

/// <summary>
/// Options of <c>--method cflow</c> (Gudovskiy et al., "CFLOW-AD: Real-Time Unsupervised Anomaly Detection with
/// Localization via Conditional Normalizing Flows", WACV 2022): the frozen encoder's three scales (here the built-in
/// ResNet-18's layer1–3), 8 coupling blocks per scale conditioned on a 128-channel positional encoding, Adam lr 2·10⁻⁴.
/// The paper trains 25 meta-epochs of 8 sub-epochs at 256² (its images zoomed from 512²); an epoch here draws
/// --samples-per-epoch images with replacement (default 256).
/// </summary>
public sealed record CFlowOptions : TeacherOptions
{
    public CFlowOptions()
    {
        LearningRate = 2e-4;
        WeightDecay = 0;
        BatchSize = 32;
        Epochs = 200;
        SamplesPerEpoch = 256;
    }

    [Option("coupling-blocks", "Conditional affine coupling blocks per scale.", Min = 1, Max = 64)]
    public int CouplingBlocks { get; init; } = 8;

    [Option("condition-channels", "Channels of the positional encoding the couplings are conditioned on; a multiple of 4.", Min = 4, Max = 1024)]
    public int ConditionChannels { get; init; } = 128;

    [Option("clamp", "Soft clamp of the couplings' log-scales (|s| < clamp).", Above = 0, Max = 20)]
    public double Clamp { get; init; } = 1.9;

    [Option("fibre-batch", "Fibres (feature vectors of one position) per optimiser step; each image batch's fibres are shuffled and visited in such steps.", Min = 1, Max = 1_000_000)]
    public int FibreBatch { get; init; } = 256;

    internal override string MethodId => CFlowMethod.MethodId;

    public override void Validate()
    {
        base.Validate();
        if (ConditionChannels % 4 != 0)
            throw new InspectaUserException($"{MethodId}: --condition-channels must be a multiple of 4 (sin and cos per axis), got {ConditionChannels}.");
    }
}
