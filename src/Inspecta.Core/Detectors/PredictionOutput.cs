using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// What <c>inspecta predict</c> derives from one prediction: the binary mask at the stored pixel threshold,
/// the image decision at the stored image threshold, and the colour range of the heat map.
/// </summary>
public static class PredictionOutput
{
    /// <summary>Pixels with score above the threshold are 255, others 0.</summary>
    public static Mask Segment(AnomalyMap map, float threshold)
    {
        var mask = new Mask(map.Height, map.Width);
        var src = map.Data;
        for (int i = 0; i < src.Length; i++) mask.Data[i] = src[i] > threshold ? (byte)255 : (byte)0;
        return mask;
    }

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
