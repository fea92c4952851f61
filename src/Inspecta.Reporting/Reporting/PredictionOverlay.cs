using System.Globalization;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// The overlay PNG <c>inspecta predict</c> writes: the heat map over the image, the predicted mask's outline (white), the
/// image score in the top-left corner and a colour bar at the right edge labelled with its range and the pixel threshold,
/// so that one picture says where, how strongly and against which threshold. Same size as the image.
/// <c>inspecta serve</c> renders through <see cref="For"/> too, so both give the same PNG.
/// </summary>
public static class PredictionOverlay
{
    /// <summary>
    /// The overlay of one prediction as predict and serve write it: the map coloured over
    /// <see cref="PredictionOutput.HeatRange"/>, the image resized to the map if needed, the verdict's mask outlined and the
    /// rule's pixel threshold marked on the colour bar.
    /// </summary>
    public static ImageF For(ImageF image, AnomalyMap map, float score, CalibratedThresholds? thresholds, VerdictRule? rule, ImageVerdict? verdict)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        var (lo, hi) = PredictionOutput.HeatRange(map, thresholds);
        if (image.Height != map.Height || image.Width != map.Width) image = Resize.Bilinear(image, map.Height, map.Width);
        var outline = verdict?.Mask is { } m && m.Height == map.Height && m.Width == map.Width ? m : null;
        return Render(image, map, lo, hi, score, outline, rule is null ? null : (float)rule.PixelThreshold);
    }

    public static readonly (float R, float G, float B) OutlineColor = (1f, 1f, 1f);
    private static readonly (float, float, float) Ink = (1f, 1f, 1f), Backing = (0f, 0f, 0f);

    public static ImageF Render(ImageF image, AnomalyMap map, float lo, float hi, float score, Mask? mask = null, float? threshold = null, float alpha = 0.5f)
    {
        var rgb = HeatmapRenderer.Overlay(image, map, lo, hi, alpha);
        int w = rgb.Width, h = rgb.Height;
        int scale = Math.Max(1, Math.Min(w, h) / 160);
        if (mask is not null && mask.Height == h && mask.Width == w) HeatmapRenderer.DrawContour(rgb, mask, OutlineColor, Math.Max(1, scale));

        // The score, on a dark backing so it reads over any colour.
        string label = "score " + Format(score);
        int pad = scale;
        PixelFont.Fill(rgb, 0, 0, PixelFont.Width(label, scale) + 2 * pad, PixelFont.GlyphHeight * scale + 2 * pad, Backing);
        PixelFont.Draw(rgb, label, pad, pad, scale, Ink);

        // The colour bar: hottest at the top, its range and the threshold beside it.
        int barW = Math.Max(3, w / 32), barH = Math.Max(8, h * 3 / 5), barX = w - barW - pad, barY = (h - barH) / 2;
        if (barX <= w / 2 || barH < 8) return rgb; // too small an image to hold one
        ReadOnlySpan<float> lut = Colormap.Lut;
        for (int y = 0; y < barH; y++)
        {
            int k = 3 * Colormap.Index(1f - (float)y / (barH - 1));
            PixelFont.Fill(rgb, barX, barY + y, barW, 1, (lut[k], lut[k + 1], lut[k + 2]));
        }
        Label(rgb, Format(hi), barX, barY, scale);
        Label(rgb, Format(lo), barX, barY + barH - PixelFont.GlyphHeight * scale, scale);
        if (threshold is float t && t > lo && t < hi)
        {
            int ty = barY + (int)Math.Round((hi - t) / (hi - lo) * (barH - 1));
            PixelFont.Fill(rgb, barX - 2 * scale, ty, barW + 2 * scale, Math.Max(1, scale / 2), Ink);
            Label(rgb, "thr " + Format(t), barX - 2 * scale, ty - PixelFont.GlyphHeight * scale / 2, scale);
        }
        return rgb;
    }

    /// <summary>A label right-aligned to the left of the bar, on a dark backing.</summary>
    private static void Label(ImageF rgb, string text, int barX, int y, int scale)
    {
        int tw = PixelFont.Width(text, scale), x = barX - tw - 2 * scale;
        PixelFont.Fill(rgb, x - scale, y - scale, tw + 2 * scale, PixelFont.GlyphHeight * scale + 2 * scale, Backing);
        PixelFont.Draw(rgb, text, x, y, scale, Ink);
    }

    private static string Format(float v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
