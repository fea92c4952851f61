using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// The heat-map overlay of <c>inspecta predict</c> and <c>inspecta serve</c> (one function, so both give the same PNG):
/// the map coloured over <see cref="PredictionOutput.HeatRange"/>, blended at 50 % over the image at the map's size.
/// </summary>
public static class PredictionOverlay
{
    public const float Alpha = 0.5f;

    public static ImageF Render(ImageF image, AnomalyMap map, CalibratedThresholds? thresholds)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        var (lo, hi) = PredictionOutput.HeatRange(map, thresholds);
        if (image.Height != map.Height || image.Width != map.Width) image = Resize.Bilinear(image, map.Height, map.Width);
        return HeatmapRenderer.Overlay(image, map, lo, hi, Alpha);
    }
}
