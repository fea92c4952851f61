using System.Buffers;
using System.Numerics.Tensors;

namespace Inspecta.Imaging;

/// <summary>
/// Separable Gaussian blur with the semantics of <c>scipy.ndimage.gaussian_filter</c> (used by
/// PatchCore/PaDiM to smooth anomaly maps): kernel radius round(4σ) (truncate = 4), weights
/// normalised to sum 1, border mode "reflect" = half-sample symmetric (… c b a | a b c …, the edge
/// pixel repeats). Rows run in parallel for large planes; no per-pixel allocation.
/// </summary>
public static class GaussianBlur
{
    private const int ParallelThreshold = 128 * 128;

    /// <summary>Blurs one H × W plane in place. σ = 0 leaves it unchanged.</summary>
    public static void Apply(Span<float> plane, int height, int width, float sigma)
    {
        if (plane.Length != height * width) throw new ArgumentException($"Plane length {plane.Length} does not match {height}×{width}.", nameof(plane));
        if (!(sigma >= 0) || float.IsInfinity(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), $"sigma must be finite and ≥ 0, got {sigma}.");
        if (sigma == 0 || plane.IsEmpty) return;
        float[] kernel = Kernel(sigma);
        int radius = kernel.Length / 2;
        float[] copy = ArrayPool<float>.Shared.Rent(plane.Length);
        try
        {
            plane.CopyTo(copy);
            // Horizontal: copy → copy (row-local, through a padded row buffer). Vertical: copy → plane.
            float[] scratch = ArrayPool<float>.Shared.Rent(plane.Length);
            try
            {
                bool parallel = plane.Length >= ParallelThreshold;
                RunRows(height, parallel, width + 2 * radius, (y, padded) => HorizontalRow(copy.AsSpan(y * width, width), padded, kernel, radius, scratch.AsSpan(y * width, width)));
                // scratch now holds the horizontally blurred plane.
                RunRows(height, parallel, 0, (y, _) => VerticalRow(scratch, height, width, y, kernel, radius, copy.AsSpan(y * width, width)));
                copy.AsSpan(0, plane.Length).CopyTo(plane);
            }
            finally { ArrayPool<float>.Shared.Return(scratch); }
        }
        finally { ArrayPool<float>.Shared.Return(copy); }
    }

    /// <summary>Blurs an anomaly map in place and returns the same instance (for chaining: <c>map = GaussianBlur.Apply(map, 4)</c>).</summary>
    public static AnomalyMap Apply(AnomalyMap map, float sigma)
    {
        Apply(map.Data, map.Height, map.Width, sigma);
        return map;
    }

    /// <summary>The normalised 1-D kernel, length 2·round(4σ)+1.</summary>
    public static float[] Kernel(float sigma)
    {
        int radius = (int)(4.0 * sigma + 0.5);
        var k = new float[2 * radius + 1];
        double sum = 0;
        var d = new double[k.Length];
        for (int i = -radius; i <= radius; i++) { d[i + radius] = Math.Exp(-0.5 * i * i / ((double)sigma * sigma)); sum += d[i + radius]; }
        for (int i = 0; i < k.Length; i++) k[i] = (float)(d[i] / sum);
        return k;
    }

    private static void RunRows(int height, bool parallel, int bufferLength, Action<int, float[]> row)
    {
        if (!parallel)
        {
            var buffer = bufferLength > 0 ? ArrayPool<float>.Shared.Rent(bufferLength) : [];
            for (int y = 0; y < height; y++) row(y, buffer);
            if (bufferLength > 0) ArrayPool<float>.Shared.Return(buffer);
            return;
        }
        int blocks = Math.Min(height, Environment.ProcessorCount * 4);
        Parallel.For(0, blocks, b =>
        {
            var buffer = bufferLength > 0 ? ArrayPool<float>.Shared.Rent(bufferLength) : [];
            int y0 = (int)((long)height * b / blocks), y1 = (int)((long)height * (b + 1) / blocks);
            for (int y = y0; y < y1; y++) row(y, buffer);
            if (bufferLength > 0) ArrayPool<float>.Shared.Return(buffer);
        });
    }

    private static void HorizontalRow(ReadOnlySpan<float> src, float[] paddedBuffer, float[] kernel, int radius, Span<float> dst)
    {
        int w = src.Length;
        var padded = paddedBuffer.AsSpan(0, w + 2 * radius);
        for (int i = 0; i < padded.Length; i++) padded[i] = src[Reflect(i - radius, w)];
        TensorPrimitives.Multiply(padded[..w], kernel[0], dst);
        for (int k = 1; k < kernel.Length; k++) TensorPrimitives.MultiplyAdd(padded.Slice(k, w), kernel[k], dst, dst);
    }

    private static void VerticalRow(float[] src, int height, int width, int y, float[] kernel, int radius, Span<float> dst)
    {
        TensorPrimitives.Multiply(src.AsSpan(Reflect(y - radius, height) * width, width), kernel[0], dst);
        for (int k = 1; k < kernel.Length; k++)
            TensorPrimitives.MultiplyAdd(src.AsSpan(Reflect(y - radius + k, height) * width, width), kernel[k], dst, dst);
    }

    /// <summary>Half-sample symmetric index (scipy "reflect"), valid for any offset, even beyond one period.</summary>
    internal static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
