using Inspecta.Detectors.Options;
using Inspecta.Torch.Methods.Distillation;

namespace Inspecta.Torch.Methods.ReverseDistillation;

/// <summary>
/// Options of <c>--method reverse-distillation</c> (Deng &amp; Li, "Anomaly Detection via Reverse Distillation from
/// One-Class Embedding", CVPR 2022): 256×256 RGB, Adam lr 0.005 (β = 0.5, 0.999), batch 16, 200 epochs in the paper.
/// The paper's encoder is a WideResNet-50; here it is the built-in ResNet-18 (the paper's ablation also reports ResNet-18).
/// An epoch draws --samples-per-epoch images with replacement (default 256, about one pass over an MVTec AD category).
/// </summary>
public sealed record ReverseDistillationOptions : TeacherOptions
{
    public ReverseDistillationOptions()
    {
        LearningRate = 0.005;
        WeightDecay = 0;
        BatchSize = 16;
        Epochs = 200;
        SamplesPerEpoch = 256;
    }

    [Option("smoothing", "σ in pixels of the Gaussian applied to the map at the working resolution (the paper: 4).", Min = 0, Max = 64)]
    public double Smoothing { get; init; } = 4;

    internal override string MethodId => ReverseDistillationMethod.MethodId;

    public override void Validate()
    {
        // The bottleneck halves layer3 once more and the decoder doubles it back: the size must survive both exactly.
        if (ImageSize % 32 != 0)
            throw new InspectaUserException($"{MethodId}: --image-size must be a multiple of 32 (the bottleneck's stride), got {ImageSize}.");
    }
}
