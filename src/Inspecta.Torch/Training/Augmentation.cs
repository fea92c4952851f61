namespace Inspecta.Torch.Training;

/// <summary>
/// Random geometric and photometric changes of a training sample (thesis Table 6.2 / MVTec AD paper): flips,
/// a rotation about the sample centre, a translation, and brightness/contrast jitter. All zero = a plain crop.
/// </summary>
/// <param name="MaxRotationDegrees">Rotation uniform in ±this.</param>
/// <param name="MaxTranslation">Shift uniform in ±this fraction of the sample size (whole-image samples only; crops move anyway).</param>
/// <param name="Brightness">Additive offset uniform in ±this (intensities are in [0, 1]).</param>
/// <param name="Contrast">Contrast factor uniform in 1 ± this, about the sample mean.</param>
public sealed record Augmentation(bool FlipHorizontal = false, bool FlipVertical = false, double MaxRotationDegrees = 0,
    double MaxTranslation = 0, double Brightness = 0, double Contrast = 0)
{
    public static Augmentation None { get; } = new();

    /// <summary>The thesis's augmentation for AE, VAE and f-AnoGAN (Table 6.2): both flips, ±3°, colour jitter.</summary>
    public static Augmentation Thesis { get; } = new(true, true, 3, 0, 0.05, 0.05);

    public bool IsNone => this == None;
}
