namespace Inspecta.Imaging;

// TEMPORARY (deep engineer): minimal stand-ins for the imaging engineer's Resize / Crop /
// ColorConversion / Normalization / GaussianBlur, with the agreed signatures, so the detectors build
// before imaging lands on main. Delete this file when merging main brings the real ones.

public static class Resize
{
    public static ImageF Bilinear(ImageF image, int height, int width, bool antialias)
    {
        var dst = new ImageF(image.Channels, height, width);
        var (yi, yw) = Weights(image.Height, height, antialias);
        var (xi, xw) = Weights(image.Width, width, antialias);
        var tmp = new float[image.Height * width];
        for (int c = 0; c < image.Channels; c++)
        {
            var src = image.Plane(c);
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < width; x++)
                {
                    float s = 0;
                    for (int k = 0; k < xi[x].Length; k++) s += src[y * image.Width + xi[x][k]] * xw[x][k];
                    tmp[y * width + x] = s;
                }
            var d = dst.Plane(c);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float s = 0;
                    for (int k = 0; k < yi[y].Length; k++) s += tmp[yi[y][k] * width + x] * yw[y][k];
                    d[y * width + x] = s;
                }
        }
        return dst;
    }

    public static AnomalyMap Bilinear(AnomalyMap map, int height, int width) =>
        AnomalyMap.FromImage(Bilinear(map.AsImage(), height, width, false));

    private static (int[][], float[][]) Weights(int inSize, int outSize, bool antialias)
    {
        double scale = (double)inSize / outSize;
        double support = antialias && scale > 1 ? scale : 1;
        var idx = new int[outSize][]; var wts = new float[outSize][];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int lo = Math.Max(0, (int)Math.Floor(center - support)), hi = Math.Min(inSize - 1, (int)Math.Ceiling(center + support));
            var li = new List<int>(); var lw = new List<double>(); double sum = 0;
            if (support == 1)
            {
                double p = Math.Max(center - 0.5, 0);
                int i0 = Math.Min((int)Math.Floor(p), inSize - 1), i1 = Math.Min(i0 + 1, inSize - 1);
                double f = p - i0;
                idx[o] = [i0, i1]; wts[o] = [(float)(1 - f), (float)f];
                continue;
            }
            for (int i = lo; i <= hi; i++)
            {
                double w = Math.Max(0, 1 - Math.Abs((i + 0.5 - center) / support));
                if (w <= 0) continue;
                li.Add(i); lw.Add(w); sum += w;
            }
            idx[o] = li.ToArray(); wts[o] = lw.Select(w => (float)(w / sum)).ToArray();
        }
        return (idx, wts);
    }
}

public static class Crop
{
    public static ImageF Center(ImageF image, int height, int width)
    {
        int oy = (image.Height - height) / 2, ox = (image.Width - width) / 2;
        var dst = new ImageF(image.Channels, height, width);
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < height; y++)
                image.Row(c, y + oy).Slice(ox, width).CopyTo(dst.Row(c, y));
        return dst;
    }
}

public static class ColorConversion
{
    public static ImageF ToRgb(ImageF image)
    {
        if (image.Channels == 3) return image;
        var dst = new ImageF(3, image.Height, image.Width);
        for (int c = 0; c < 3; c++) image.Plane(0).CopyTo(dst.Plane(c));
        return dst;
    }

    // (classical engineer) stand-in for the agreed ToGray: ITU-R BT.601 luma.
    public static ImageF ToGray(ImageF image)
    {
        if (image.Channels == 1) return image;
        var dst = new ImageF(1, image.Height, image.Width);
        var r = image.Plane(0); var g = image.Plane(1); var b = image.Plane(2); var d = dst.Plane(0);
        for (int i = 0; i < d.Length; i++) d[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
        return dst;
    }
}

public static class Normalization
{
    public static ImageF ImageNet(ImageF image)
    {
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        var dst = image.Clone();
        for (int c = 0; c < 3; c++)
        {
            var p = dst.Plane(c);
            for (int i = 0; i < p.Length; i++) p[i] = (p[i] - mean[c]) / std[c];
        }
        return dst;
    }
}

public static class GaussianBlur
{
    public static AnomalyMap Apply(AnomalyMap map, double sigma)
    {
        int r = (int)(4 * sigma + 0.5);
        var k = new float[2 * r + 1]; double s = 0;
        for (int i = -r; i <= r; i++) { k[i + r] = (float)Math.Exp(-i * i / (2 * sigma * sigma)); s += k[i + r]; }
        for (int i = 0; i < k.Length; i++) k[i] /= (float)s;
        int h = map.Height, w = map.Width;
        var tmp = new float[h * w]; var dst = new AnomalyMap(h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float a = 0;
                for (int i = -r; i <= r; i++) a += k[i + r] * map.Data[y * w + Reflect(x + i, w)];
                tmp[y * w + x] = a;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float a = 0;
                for (int i = -r; i <= r; i++) a += k[i + r] * tmp[Reflect(y + i, h) * w + x];
                dst.Data[y * w + x] = a;
            }
        return dst;
    }

    private static int Reflect(int i, int n)
    {
        while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
        return i;
    }
}
