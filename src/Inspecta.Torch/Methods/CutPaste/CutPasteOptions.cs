using Inspecta.Detectors.Options;
using Inspecta.Torch.Methods.Distillation;

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary>
/// Options of <c>--method cutpaste</c> (Li et al., "CutPaste: Self-Supervised Learning for Anomaly Detection and
/// Localization", CVPR 2021), 3-way variant (normal / CutPaste / CutPaste-Scar): 256×256 RGB, the pretrained ResNet-18
/// fine-tuned with a projection head and a 3-class classifier, SGD with momentum 0.9, learning rate 0.03 with cosine
/// decay, weight decay 3·10⁻⁵ (the paper: batch 64, 256 epochs). An epoch draws --samples-per-epoch good images with
/// replacement (default 256); each becomes three training samples (itself, a CutPaste and a scar version).
/// Localisation embeds --patch-size patches every --patch-stride pixels (the paper: 64², stride 4).
/// </summary>
public sealed record CutPasteOptions : TeacherOptions
{
    public CutPasteOptions()
    {
        Optimizer = "sgd";
        LearningRate = 0.03;
        WeightDecay = 3e-5;
        Schedule = "cosine";
        BatchSize = 32;
        Epochs = 256;
        SamplesPerEpoch = 256;
    }

    [Option("patch-size", "Side of the square patches embedded for the map, at the working resolution; a multiple of 16, at most --image-size.", Min = 16, Max = 2048)]
    public int PatchSize { get; init; } = 64;

    [Option("patch-stride", "Pixels between neighbouring patches of the map (the last row and column of patches always end at the image border).", Min = 1, Max = 2048)]
    public int PatchStride { get; init; } = 16;

    [Option("head-width", "Width of the projection head (256 → head-width → 3 classes; the Gaussian densities use the 256-d pooled features before it).", Min = 1, Max = 4096)]
    public int HeadWidth { get; init; } = 128;

    internal override string MethodId => CutPasteMethod.MethodId;

    public override void Validate()
    {
        base.Validate();
        if (PatchSize % 16 != 0)
            throw new InspectaUserException($"{MethodId}: --patch-size must be a multiple of 16 (the stride of the network's layer3), got {PatchSize}.");
        if (PatchSize > ImageSize)
            throw new InspectaUserException($"{MethodId}: --patch-size {PatchSize} is larger than the {ImageSize}×{ImageSize} working image (--image-size); choose a smaller patch or a larger image.");
    }
}
