using System.Numerics.Tensors;

namespace Inspecta.Imaging;

/// <summary>
/// Resampling. Images use a separable triangle (bilinear) filter with half-pixel centres
/// (align_corners = false); with antialiasing the filter support grows with the downscale factor,
/// exactly as PIL's <c>BILINEAR</c> and torchvision's <c>antialias=True</c>, so downscaled images
/// do not alias. Upscaling is plain bilinear either way. Masks use nearest neighbour.
/// </summary>
public static class Resize
{
    /// <summary>Resizes every channel to <paramref name="height"/> × <paramref name="width"/> (new image).</summary>
    public static ImageF Bilinear(ImageF image, int height, int width, bool antialias = true)
    {
        CheckSize(height, width);
        var result = new ImageF(image.Channels, height, width);
        var wx = ResampleWeights.Create(image.Width, width, antialias);
        var wy = ResampleWeights.Create(image.Height, height, antialias);
        for (int c = 0; c < image.Channels; c++)
            ResamplePlane(image.Data, c * image.PlaneSize, image.Height, image.Width, result.Data, c * height * width, height, width, wx, wy);
        return result;
    }

    /// <summary>Plain bilinear resize of an anomaly map (align_corners = false, no antialiasing, like
    /// <c>F.interpolate(mode="bilinear")</c> used to upsample score maps).</summary>
    public static AnomalyMap Bilinear(AnomalyMap map, int height, int width)
    {
        CheckSize(height, width);
        var result = new AnomalyMap(height, width);
        ResamplePlane(map.Data, 0, map.Height, map.Width, result.Data, 0, height, width,
            ResampleWeights.Create(map.Width, width, antialias: false), ResampleWeights.Create(map.Height, height, antialias: false));
        return result;
    }

    /// <summary>
    /// Nearest-neighbour resize keeping the mask's values. Output pixel i samples input
    /// floor((i + 0.5) · in / out), the pixel-centre rule of PIL's NEAREST (torch "nearest-exact").
    /// </summary>
    public static Mask Nearest(Mask mask, int height, int width)
    {
        CheckSize(height, width);
        var result = new Mask(height, width);
        var xs = new int[width];
        double sx = (double)mask.Width / width, sy = (double)mask.Height / height;
        for (int x = 0; x < width; x++) xs[x] = Math.Min(mask.Width - 1, (int)((x + 0.5) * sx));
        for (int y = 0; y < height; y++)
        {
            int srcY = Math.Min(mask.Height - 1, (int)((y + 0.5) * sy));
            var src = mask.Data.AsSpan(srcY * mask.Width, mask.Width);
            var dst = result.Data.AsSpan(y * width, width);
            for (int x = 0; x < width; x++) dst[x] = src[xs[x]];
        }
        return result;
    }

    private static void CheckSize(int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Target size must be positive, got {height}×{width}.");
    }

    /// <summary>Horizontal pass into a temporary H_in × W_out plane, then vertical pass (PIL's order).</summary>
    private static void ResamplePlane(float[] src, int srcOffset, int inH, int inW, float[] dst, int dstOffset, int outH, int outW, ResampleWeights wx, ResampleWeights wy)
    {
        var tmp = System.Buffers.ArrayPool<float>.Shared.Rent(inH * outW);
        try
        {
            bool parallel = (long)inH * outW + (long)outH * outW > 1 << 16;
            void Horizontal(int y)
            {
                var row = src.AsSpan(srcOffset + y * inW, inW);
                var o = tmp.AsSpan(y * outW, outW);
                for (int x = 0; x < outW; x++)
                {
                    int start = wx.Start[x], n = wx.Count[x];
                    o[x] = TensorPrimitives.Dot(row.Slice(start, n), wx.Weights.AsSpan(x * wx.MaxTaps, n));
                }
            }
            void Vertical(int y)
            {
                var o = dst.AsSpan(dstOffset + y * outW, outW);
                int start = wy.Start[y], n = wy.Count[y];
                var w = wy.Weights.AsSpan(y * wy.MaxTaps, n);
                TensorPrimitives.Multiply(tmp.AsSpan(start * outW, outW), w[0], o);
                for (int k = 1; k < n; k++) TensorPrimitives.MultiplyAdd(tmp.AsSpan((start + k) * outW, outW), w[k], o, o);
            }
            if (parallel)
            {
                Parallel.For(0, inH, Horizontal);
                Parallel.For(0, outH, Vertical);
            }
            else
            {
                for (int y = 0; y < inH; y++) Horizontal(y);
                for (int y = 0; y < outH; y++) Vertical(y);
            }
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(tmp); }
    }
}

/// <summary>Per-output-pixel filter taps along one axis (start index, tap count, normalised weights).</summary>
internal sealed class ResampleWeights
{
    public required int[] Start { get; init; }
    public required int[] Count { get; init; }
    public required float[] Weights { get; init; }
    public required int MaxTaps { get; init; }

    /// <summary>PIL's precompute_coeffs for the triangle filter (support 1), widened by the scale when antialiasing a downscale.</summary>
    public static ResampleWeights Create(int inSize, int outSize, bool antialias)
    {
        double scale = (double)inSize / outSize;
        double filterScale = antialias ? Math.Max(scale, 1.0) : 1.0;
        double support = 1.0 * filterScale;
        int maxTaps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new float[outSize * maxTaps];
        var tmp = new double[maxTaps];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int xmin = Math.Max(0, (int)Math.Floor(center - support + 0.5));
            int xmax = Math.Min(inSize, (int)Math.Floor(center + support + 0.5));
            int n = xmax - xmin;
            double total = 0;
            for (int k = 0; k < n; k++)
            {
                double t = Math.Abs((k + xmin - center + 0.5) / filterScale);
                double w = t < 1.0 ? 1.0 - t : 0.0;
                tmp[k] = w; total += w;
            }
            // Trim zero-weight taps at both ends (they only cost time).
            int first = 0, last = n - 1;
            while (first < last && tmp[first] == 0) first++;
            while (last > first && tmp[last] == 0) last--;
            start[i] = xmin + first;
            count[i] = last - first + 1;
            for (int k = first; k <= last; k++) weights[i * maxTaps + k - first] = (float)(total > 0 ? tmp[k] / total : 0);
        }
        return new ResampleWeights { Start = start, Count = count, Weights = weights, MaxTaps = maxTaps };
    }
}
