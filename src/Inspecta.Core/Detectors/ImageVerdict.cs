using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>What <see cref="VerdictRule"/> decided about one image.</summary>
/// <param name="Defective">True iff <paramref name="LargestRegion"/> reaches the rule's minimum defect area.</param>
/// <param name="LargestRegion">Pixels (points) of the largest 8-connected region above the threshold.</param>
/// <param name="DefectPixels">All pixels (points) above the threshold.</param>
public sealed record ImageVerdict(bool Defective, int LargestRegion, int DefectPixels)
{
    /// <summary>The segmentation (255 above the threshold, else 0) at the map's resolution; null for point scores.</summary>
    public Mask? Mask { get; init; }
}
