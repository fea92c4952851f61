using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// The colour range of <c>inspecta predict</c>'s heat maps (the mask and the verdict come from <see cref="VerdictRule"/>).
/// </summary>
public static class PredictionOutput
{
    /// <summary>
    /// Heat-map colour range: centred on the pixel threshold (threshold ± 50 %) so that red means "above the
    /// threshold" consistently across images; without a threshold, the map's own min–max.
    /// </summary>
    public static (float Lo, float Hi) HeatRange(AnomalyMap map, CalibratedThresholds? thresholds)
    {
        if (thresholds is { } t && float.IsFinite(t.Pixel) && t.Pixel != 0)
        {
            float half = Math.Abs(t.Pixel) * 0.5f;
            return (t.Pixel - half, t.Pixel + half);
        }
        float lo = System.Numerics.Tensors.TensorPrimitives.Min<float>(map.Data), hi = map.Max();
        return (lo, hi > lo ? hi : lo + 1);
    }
}
