using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// What <c>inspecta predict</c> and <c>inspecta serve</c> share between scoring an image and showing it: the check of the
/// score and the colour range of the heat maps (the mask and the verdict come from <see cref="VerdictRule"/>).
/// </summary>
public static class PredictionOutput
{
    /// <summary>
    /// Pixel values far outside the trained range (e.g. a float TIFF with huge or non-finite values) can overflow a score:
    /// a user error naming the input, never a NaN verdict.
    /// </summary>
    public static Prediction RequireFinite(Prediction prediction, string input)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (!float.IsFinite(prediction.Score) || prediction.Map is { } m && !float.IsFinite(m.Max()))
            throw InspectaUserException.ForFile(input, $"the model produced a non-finite anomaly score ({prediction.Score}); check the image's pixel values.");
        return prediction;
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
