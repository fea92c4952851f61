namespace Inspecta.Imaging;

/// <summary>Mirrors an image onto a margin around it (numpy's "reflect": the edge row is not repeated).</summary>
public static class Padding
{
    public static ImageF Reflect(ImageF image, int margin)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (margin == 0) return image;
        if (margin < 0 || margin >= image.Height || margin >= image.Width)
            throw new ArgumentOutOfRangeException(nameof(margin), $"A reflection margin must be in 0..{Math.Min(image.Height, image.Width) - 1}, got {margin}.");
        int h = image.Height + 2 * margin, w = image.Width + 2 * margin;
        var padded = new ImageF(image.Channels, h, w);
        var columns = new int[w];
        for (int x = 0; x < w; x++) columns[x] = Mirror(x - margin, image.Width);
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < h; y++)
            {
                var src = image.Row(c, Mirror(y - margin, image.Height));
                var dst = padded.Row(c, y);
                for (int x = 0; x < w; x++) dst[x] = src[columns[x]];
            }
        return padded;
    }

    /// <summary>Whole-sample mirror index (numpy "reflect": the edge is not repeated), valid for any offset.</summary>
    internal static int Mirror(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = Math.Abs(i) % period;
        return i < n ? i : period - i;
    }
}
