using Inspecta.Detectors.Options;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.Draem;

/// <summary>
/// Options of <c>--method draem</c> (Zavrtanik et al., "DRAEM – A discriminatively trained reconstruction embedding for
/// surface anomaly detection", ICCV 2021): 256×256 RGB, reconstructive width 128, discriminative width 64, Adam lr
/// 10⁻⁴, batch 8, 700 epochs (the paper also divides the rate by 5 at 80 % and 90 % of them; here --lr-schedule
/// offers constant, cosine or step). An epoch draws --samples-per-epoch images with replacement (default 256).
/// </summary>
public sealed record DraemOptions : TrainedMethodOptions
{
    public DraemOptions()
    {
        LearningRate = 1e-4;
        WeightDecay = 0;
        BatchSize = 8;
        Epochs = 700;
        SamplesPerEpoch = 256;
    }

    [Option("image-size", "Working resolution: every image is converted to RGB and zoomed to this square; a multiple of 32 (the discriminative U-Net's depth).", Min = 32, Max = 2048)]
    public int ImageSize { get; init; } = 256;

    [Option("reconstructive-width", "Channels of the reconstructive network's first stage (then 2×, 4×, 8×, 8×).", Min = 1, Max = 512)]
    public int ReconstructiveWidth { get; init; } = 128;

    [Option("discriminative-width", "Channels of the discriminative U-Net's first stage (then 2×, 4×, 8×, 8×, 8×).", Min = 1, Max = 512)]
    public int DiscriminativeWidth { get; init; } = 64;

    [Option("score-window", "Image score = the maximum of the map after a mean filter of this size at the working resolution (the paper: 21 at 256²); odd.", Min = 1, Max = 255)]
    public int ScoreWindow { get; init; } = 21;

    public override void Validate()
    {
        if (ImageSize % 32 != 0)
            throw new InspectaUserException($"{DraemMethod.MethodId}: --image-size must be a multiple of 32 (the discriminative network pools five times), got {ImageSize}.");
        if (ScoreWindow % 2 == 0)
            throw new InspectaUserException($"{DraemMethod.MethodId}: --score-window must be odd, got {ScoreWindow}.");
    }
}
