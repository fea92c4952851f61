using Inspecta.Detectors.Options;
using Inspecta.Torch.Methods.Distillation;

namespace Inspecta.Torch.Methods.FastFlow;

/// <summary>
/// Options of <c>--method fastflow</c> (Yu et al., "FastFlow: Unsupervised Anomaly Detection and Localization via 2D
/// Normalizing Flows", 2021), ResNet-18 configuration: 256×256 RGB, the frozen backbone's layer1–3, 8 flow steps per
/// scale with hidden ratio 1.0, Adam lr 10⁻³ with weight decay 10⁻⁵, batch 32, 500 epochs. An epoch here draws
/// --samples-per-epoch images with replacement (default 256, about one pass over an MVTec AD category).
/// </summary>
public sealed record FastFlowOptions : TeacherOptions
{
    public FastFlowOptions()
    {
        LearningRate = 1e-3;
        WeightDecay = 1e-5;
        BatchSize = 32;
        Epochs = 500;
        SamplesPerEpoch = 256;
    }

    [Option("flow-steps", "Affine coupling steps per scale; their subnets alternate 3×3 and 1×1 convolutions.", Min = 1, Max = 64)]
    public int FlowSteps { get; init; } = 8;

    [Option("hidden-ratio", "Hidden channels of a coupling's subnet as a multiple of the scale's channels (the paper: 1.0 for ResNet-18).", Above = 0, Max = 8)]
    public double HiddenRatio { get; init; } = 1.0;

    [Option("clamp", "Soft clamp of the couplings' log-scales (|s| < clamp).", Above = 0, Max = 20)]
    public double Clamp { get; init; } = 2.0;

    internal override string MethodId => FastFlowMethod.MethodId;
}
