using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// Plain bilinear resize of an anomaly map with half-pixel centres (align_corners = false, no antialiasing), as
/// <c>F.interpolate(mode="bilinear")</c> and OpenCV's <c>INTER_LINEAR</c> upsample score maps.
/// </summary>
internal static class BilinearMapResize
{
    public static AnomalyMap Resize(AnomalyMap map, int height, int width)
    {
        var (x0, x1, fx) = Taps(map.Width, width);
        var (y0, y1, fy) = Taps(map.Height, height);
        var result = new AnomalyMap(height, width);
        float[] src = map.Data, dst = result.Data;
        int sw = map.Width;
        for (int y = 0; y < height; y++)
        {
            int r0 = y0[y] * sw, r1 = y1[y] * sw;
            float wy = fy[y];
            for (int x = 0; x < width; x++)
            {
                float top = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * fx[x];
                float bottom = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * fx[x];
                dst[y * width + x] = top + (bottom - top) * wy;
            }
        }
        return result;
    }

    private static (int[] Lo, int[] Hi, float[] Frac) Taps(int from, int to)
    {
        var lo = new int[to];
        var hi = new int[to];
        var frac = new float[to];
        double scale = (double)from / to;
        for (int i = 0; i < to; i++)
        {
            double s = Math.Max((i + 0.5) * scale - 0.5, 0); // source coordinate, clamped at the border like torch
            int l = Math.Min((int)s, from - 1);
            lo[i] = l;
            hi[i] = Math.Min(l + 1, from - 1);
            frac[i] = (float)(s - l);
        }
        return (lo, hi, frac);
    }
}
