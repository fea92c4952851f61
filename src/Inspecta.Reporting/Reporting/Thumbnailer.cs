using Inspecta.Imaging;

namespace Inspecta.Reporting;

/// <summary>
/// Shrinks report pictures by area averaging (each output pixel is the mean of the input pixels it
/// covers, with fractional coverage at the edges), which keeps thin contours and small defects
/// visible where point sampling or bilinear interpolation would alias them away.
/// </summary>
public static class Thumbnailer
{
    /// <summary>Scales so the longer side is at most <paramref name="maxSide"/>; never enlarges.</summary>
    public static ImageF Fit(ImageF image, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        int longer = Math.Max(image.Height, image.Width);
        if (longer <= maxSide) return image;
        double s = (double)maxSide / longer;
        int h = Math.Max(1, (int)Math.Round(image.Height * s)), w = Math.Max(1, (int)Math.Round(image.Width * s));
        return AreaDownscale(image, h, w);
    }

    public static ImageF AreaDownscale(ImageF src, int height, int width)
    {
        if (height > src.Height || width > src.Width)
            throw new ArgumentException($"Area downscale cannot enlarge {src.Height}×{src.Width} to {height}×{width}.");
        var xs = Spans(src.Width, width);
        var ys = Spans(src.Height, height);
        var dst = new ImageF(src.Channels, height, width);
        var rowAcc = new float[width];
        for (int c = 0; c < src.Channels; c++)
            for (int oy = 0; oy < height; oy++)
            {
                Array.Clear(rowAcc);
                foreach (var (sy, wy) in ys[oy])
                {
                    ReadOnlySpan<float> row = src.Row(c, sy);
                    for (int ox = 0; ox < width; ox++)
                    {
                        float acc = 0;
                        foreach (var (sx, wx) in xs[ox]) acc += wx * row[sx];
                        rowAcc[ox] += wy * acc;
                    }
                }
                rowAcc.CopyTo(dst.Row(c, oy));
            }
        return dst;
    }

    /// <summary>For each output index, the source indices it covers and their normalised weights.</summary>
    private static (int Index, float Weight)[][] Spans(int srcLen, int dstLen)
    {
        double scale = (double)srcLen / dstLen;
        var result = new (int, float)[dstLen][];
        var list = new List<(int, float)>();
        for (int o = 0; o < dstLen; o++)
        {
            double a = o * scale, b = (o + 1) * scale;
            list.Clear();
            for (int i = (int)Math.Floor(a); i < Math.Min(srcLen, (int)Math.Ceiling(b)); i++)
            {
                double cover = Math.Min(b, i + 1) - Math.Max(a, i);
                if (cover > 1e-9) list.Add((i, (float)(cover / scale)));
            }
            result[o] = [.. list];
        }
        return result;
    }
}
