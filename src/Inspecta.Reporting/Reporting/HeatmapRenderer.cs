using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// Turns anomaly maps into pictures people can judge: a colour-mapped heat map, the heat map
/// blended over the input image, and mask outlines (ground truth, predicted regions) drawn on top.
/// All outputs are planar RGB <see cref="ImageF"/> (3 × H × W) with values in [0, 1].
/// </summary>
public static class HeatmapRenderer
{
    /// <summary>
    /// Colours <paramref name="map"/> with the <see cref="Colormap"/>: scores at or below
    /// <paramref name="lo"/> get the coldest colour, at or above <paramref name="hi"/> the hottest.
    /// A fixed [lo, hi] across a report keeps colours comparable between images.
    /// </summary>
    public static ImageF Colorize(AnomalyMap map, float lo, float hi)
    {
        float scale = ValidateRange(lo, hi);
        var rgb = new ImageF(3, map.Height, map.Width);
        Span<float> r = rgb.Plane(0), g = rgb.Plane(1), b = rgb.Plane(2);
        ReadOnlySpan<float> lut = Colormap.Lut;
        ReadOnlySpan<float> src = map.Data;
        for (int i = 0; i < src.Length; i++)
        {
            int k = 3 * Colormap.Index((src[i] - lo) * scale);
            r[i] = lut[k]; g[i] = lut[k + 1]; b[i] = lut[k + 2];
        }
        return rgb;
    }

    /// <summary>
    /// Blends the colour-mapped <paramref name="map"/> over <paramref name="image"/>:
    /// <c>out = (1 − alpha)·image + alpha·heat</c>. Grey images are promoted to RGB; a map of another
    /// size is resized bilinearly to the image (detectors often predict at a lower resolution).
    /// Image values are clamped to [0, 1] first (float TIFF inputs may exceed it).
    /// </summary>
    public static ImageF Overlay(ImageF image, AnomalyMap map, float lo, float hi, float alpha = 0.5f)
    {
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"Overlay needs a grey or RGB image, got {image.Channels} channels.", nameof(image));
        if (!(alpha >= 0f && alpha <= 1f)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in [0, 1].");
        if (map.Height != image.Height || map.Width != image.Width)
            map = Resize.Bilinear(map, image.Height, image.Width);
        var heat = Colorize(map, lo, hi);
        float keep = 1f - alpha;
        for (int c = 0; c < 3; c++)
        {
            ReadOnlySpan<float> src = image.Plane(image.Channels == 1 ? 0 : c);
            Span<float> dst = heat.Plane(c);
            for (int i = 0; i < dst.Length; i++)
                dst[i] = keep * Math.Clamp(src[i], 0f, 1f) + alpha * dst[i];
        }
        return heat;
    }

    /// <summary>Promotes a grey image to RGB (a copy); RGB images are copied; values clamped to [0, 1].</summary>
    public static ImageF ToRgb(ImageF image)
    {
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"Expected a grey or RGB image, got {image.Channels} channels.", nameof(image));
        var rgb = new ImageF(3, image.Height, image.Width);
        for (int c = 0; c < 3; c++)
        {
            ReadOnlySpan<float> src = image.Plane(image.Channels == 1 ? 0 : c);
            Span<float> dst = rgb.Plane(c);
            for (int i = 0; i < dst.Length; i++) dst[i] = Math.Clamp(src[i], 0f, 1f);
        }
        return rgb;
    }

    /// <summary>
    /// Draws the outline of the non-zero region(s) of <paramref name="mask"/> onto <paramref name="rgb"/>
    /// in place: a pixel is on the outline when it is inside the mask and one of its 4-neighbours is
    /// outside (or it touches the image border); <paramref name="thickness"/> &gt; 1 grows the outline
    /// inwards so it survives downscaling.
    /// </summary>
    public static void DrawContour(ImageF rgb, Mask mask, (float R, float G, float B) color, int thickness = 1)
    {
        if (rgb.Channels != 3) throw new ArgumentException($"DrawContour needs an RGB image, got {rgb.Channels} channels.", nameof(rgb));
        if (mask.Height != rgb.Height || mask.Width != rgb.Width)
            throw new ArgumentException($"Mask {mask.Height}×{mask.Width} does not match image {rgb.Height}×{rgb.Width}.", nameof(mask));
        ArgumentOutOfRangeException.ThrowIfLessThan(thickness, 1);

        byte[] edge = ContourPixels(mask, thickness);
        Span<float> r = rgb.Plane(0), g = rgb.Plane(1), b = rgb.Plane(2);
        for (int i = 0; i < edge.Length; i++)
            if (edge[i] != 0) { r[i] = color.R; g[i] = color.G; b[i] = color.B; }
    }

    /// <summary>Outline pixels (1) of a mask, <paramref name="thickness"/> pixels wide, inside the region.</summary>
    internal static byte[] ContourPixels(Mask mask, int thickness)
    {
        int h = mask.Height, w = mask.Width;
        byte[] inside = mask.Data;
        var edge = new byte[inside.Length];
        for (int y = 0; y < h; y++)
        {
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                int i = row + x;
                if (inside[i] == 0) continue;
                bool boundary = x == 0 || y == 0 || x == w - 1 || y == h - 1
                    || inside[i - 1] == 0 || inside[i + 1] == 0 || inside[i - w] == 0 || inside[i + w] == 0;
                if (boundary) edge[i] = 1;
            }
        }
        // Thicken inwards: repeatedly add inside pixels 4-adjacent to the current outline.
        for (int pass = 1; pass < thickness; pass++)
        {
            var grown = (byte[])edge.Clone();
            for (int y = 0; y < h; y++)
            {
                int row = y * w;
                for (int x = 0; x < w; x++)
                {
                    int i = row + x;
                    if (inside[i] == 0 || edge[i] != 0) continue;
                    if ((x > 0 && edge[i - 1] != 0) || (x < w - 1 && edge[i + 1] != 0)
                        || (y > 0 && edge[i - w] != 0) || (y < h - 1 && edge[i + w] != 0))
                        grown[i] = 1;
                }
            }
            edge = grown;
        }
        return edge;
    }

    private static float ValidateRange(float lo, float hi)
    {
        if (!float.IsFinite(lo) || !float.IsFinite(hi) || !(hi > lo))
            throw new ArgumentException($"Colour range needs finite lo < hi, got [{lo}, {hi}].");
        return 1f / (hi - lo);
    }
}
