using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>Whether an image was judged right at the report threshold.</summary>
public enum Verdict { Missed, FalseAlarm, Detected, Ok }

/// <summary>One rendered gallery view: an embedded thumbnail and, optionally, the full-size picture.</summary>
public sealed record GalleryView(string Kind, string Caption, byte[] Thumbnail, string ThumbnailMime, byte[]? FullSize, string? FullSizeExtension);

/// <summary>A gallery item rendered for the report.</summary>
/// <param name="Margin">How far the image is from the other verdict (relative; negative = judged good), for sorting.</param>
public sealed record RenderedItem(GalleryItem Item, Verdict Verdict, IReadOnlyList<GalleryView> Views, int DefectPixels, int PredictedPixels, float Margin = 0);

/// <summary>
/// Renders the four views of a test image: the input, the input with the ground-truth contour,
/// the heat-map overlay, and the predicted mask at the threshold. Contours are drawn after
/// shrinking, separately at each resolution, so they stay one or two pixels wide and sharp.
/// </summary>
public static class GalleryRenderer
{
    private static readonly (float, float, float) GtColor = (0.1f, 1f, 0.2f);
    private static readonly (float, float, float) PredColor = (1f, 0.15f, 0.1f);

    public static Verdict Judge(GalleryItem item, float threshold) => Judge(item, item.Score >= threshold);

    private static Verdict Judge(GalleryItem item, bool flagged) => (item.IsGood, flagged) switch
    {
        (false, false) => Verdict.Missed,
        (true, true) => Verdict.FalseAlarm,
        (false, true) => Verdict.Detected,
        (true, false) => Verdict.Ok,
    };

    /// <summary>Renders with an image-score threshold (maps without any calibration: the oracle).</summary>
    public static RenderedItem Render(GalleryItem item, float threshold, float pixelThreshold, (float Lo, float Hi) range, ReportOptions options) =>
        Render(item, new ReportThreshold(threshold, "given") { Pixel = pixelThreshold }, range, options);

    /// <summary>
    /// Renders and judges one item: with a <see cref="ReportThreshold.Rule"/> the verdict and the predicted mask are the
    /// rule's on the map at its own resolution (what <c>predict</c> writes), otherwise the image score against the threshold.
    /// </summary>
    public static RenderedItem Render(GalleryItem item, ReportThreshold threshold, (float Lo, float Hi) range, ReportOptions options)
    {
        var image = HeatmapRenderer.ToRgb(item.LoadImage());
        int h = image.Height, w = image.Width;
        var gt = item.LoadGroundTruth();
        if (gt is not null && (gt.Height != h || gt.Width != w))
            gt = Resize.Nearest(gt, h, w);   // e.g. evaluation at a reduced ground-truth resolution
        var map = item.LoadMap();
        ImageVerdict? verdict = map is not null && threshold.Rule is { } rule ? rule.Judge(map) : null;
        if (map is not null && (map.Height != h || map.Width != w))
            map = Resize.Bilinear(map, h, w);

        Mask? predicted = null;
        if (verdict?.Mask is { } ruled)
            predicted = ruled.Height == h && ruled.Width == w ? ruled : Resize.Nearest(ruled, h, w);
        else if (map is not null)
        {
            predicted = new Mask(h, w);
            ReadOnlySpan<float> m = map.Data;
            float pixelThreshold = threshold.PixelValue;
            for (int i = 0; i < m.Length; i++) predicted.Data[i] = m[i] >= pixelThreshold ? (byte)1 : (byte)0;
        }
        bool flagged = verdict?.Defective ?? item.Score >= threshold.Value;
        float margin = verdict is not null && threshold.Rule is { } r
            ? (verdict.LargestRegion - r.MinDefectArea + (flagged ? 0 : -0.5f)) / r.MinDefectArea
            : (item.Score - threshold.Value) / Math.Max(1e-12f, Math.Abs(threshold.Value));
        string maskCaption = threshold.Rule is { } described
            ? $"predicted mask (> {described.PixelThreshold:G4}, region ≥ {described.MinDefectArea} px: largest {verdict?.LargestRegion ?? 0})"
            : $"predicted mask (≥ {threshold.PixelValue:G4})";

        var views = new List<GalleryView>(4)
        {
            MakeView("input", "input", image, null, null, options),
            MakeView("gt", gt is null ? "ground truth (none)" : "ground truth", image, gt, null, options),
        };
        if (map is not null && predicted is not null)
        {
            views.Add(MakeView("heat", $"heat map [{range.Lo:G3}, {range.Hi:G3}]", HeatmapRenderer.Overlay(image, map, range.Lo, range.Hi, 0.5f), gt, null, options));
            views.Add(MakeView("pred", maskCaption, Tint(image, predicted), gt, predicted, options));
        }
        return new RenderedItem(item, Judge(item, flagged), views, gt?.CountNonZero() ?? 0, predicted?.CountNonZero() ?? 0, margin);
    }

    /// <summary>The image darkened, with the predicted region tinted red so it reads at thumbnail size.</summary>
    private static ImageF Tint(ImageF rgb, Mask predicted)
    {
        var o = new ImageF(3, rgb.Height, rgb.Width);
        ReadOnlySpan<byte> m = predicted.Data;
        (float r, float g, float b) = PredColor;
        ReadOnlySpan<float> tint = [r, g, b];
        for (int c = 0; c < 3; c++)
        {
            ReadOnlySpan<float> src = rgb.Plane(c);
            Span<float> dst = o.Plane(c);
            for (int i = 0; i < dst.Length; i++)
                dst[i] = m[i] != 0 ? 0.35f * src[i] + 0.65f * tint[c] : 0.45f * src[i];
        }
        return o;
    }

    private static GalleryView MakeView(string kind, string caption, ImageF full, Mask? gt, Mask? predicted, ReportOptions options)
    {
        var thumb = Thumbnailer.Fit(full, options.ThumbnailSize);
        if (ReferenceEquals(thumb, full) && (gt is not null || predicted is not null)) thumb = full.Clone();
        Decorate(thumb, gt, predicted, 1);
        byte[]? fullBytes = null;
        if (options.FullSizeImages)
        {
            var big = gt is null && predicted is null ? full : full.Clone();
            Decorate(big, gt, predicted, Math.Max(2, Math.Max(full.Height, full.Width) / 400));
            fullBytes = ReportImageEncoder.Jpeg(big, options.FullSizeQuality);
        }
        return new GalleryView(kind, caption, ReportImageEncoder.Jpeg(thumb, options.ThumbnailQuality), "image/jpeg", fullBytes, fullBytes is null ? null : ".jpg");
    }

    private static void Decorate(ImageF rgb, Mask? gt, Mask? predicted, int thickness)
    {
        if (predicted is not null) HeatmapRenderer.DrawContour(rgb, ShrinkMask(predicted, rgb.Height, rgb.Width), PredColor, thickness);
        if (gt is not null) HeatmapRenderer.DrawContour(rgb, ShrinkMask(gt, rgb.Height, rgb.Width), GtColor, thickness);
    }

    /// <summary>Shrinks a mask keeping every output pixel that any foreground pixel touches, so a
    /// one-pixel defect still shows up in a thumbnail.</summary>
    internal static Mask ShrinkMask(Mask mask, int height, int width)
    {
        if (mask.Height == height && mask.Width == width) return mask;
        var dst = new Mask(height, width);
        for (int y = 0; y < mask.Height; y++)
        {
            int oy = (int)((long)y * height / mask.Height);
            for (int x = 0; x < mask.Width; x++)
                if (mask.Data[y * mask.Width + x] != 0)
                    dst.Data[oy * width + (int)((long)x * width / mask.Width)] = 1;
        }
        return dst;
    }
}
