using System.Numerics.Tensors;
using Inspecta.Imaging;

namespace Inspecta.Features;

/// <summary>
/// Building blocks that turn CNN feature maps into per-patch vectors (PatchCore, PaDiM, SPADE).
/// Planar maps (C × H × W) go in; patch-major rows (H·W × D) come out for nearest-neighbour search.
/// </summary>
public static class PatchEmbedding
{
    /// <summary>
    /// 3×3 average over each cell's neighbourhood, stride 1, zero padding counted
    /// (PyTorch <c>AvgPool2d(3, 1, 1)</c>): a cell's feature describes its local patch.
    /// </summary>
    public static float[] AverageNeighbourhood3x3(ReadOnlySpan<float> planes, int channels, int height, int width)
    {
        var dst = new float[channels * height * width];
        var rows = new float[width];
        for (int c = 0; c < channels; c++)
        {
            var src = planes.Slice(c * height * width, height * width);
            var outPlane = dst.AsSpan(c * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                // Vertical 3-sum into rows, then horizontal 3-sum.
                rows.AsSpan().Clear();
                for (int dy = -1; dy <= 1; dy++)
                {
                    int yy = y + dy;
                    if ((uint)yy >= (uint)height) continue;
                    TensorPrimitives.Add(rows, src.Slice(yy * width, width), rows);
                }
                var o = outPlane.Slice(y * width, width);
                for (int x = 0; x < width; x++)
                {
                    float s = rows[x];
                    if (x > 0) s += rows[x - 1];
                    if (x < width - 1) s += rows[x + 1];
                    o[x] = s * (1f / 9f);
                }
            }
        }
        return dst;
    }

    /// <summary>Bilinear resize of every channel plane (half-pixel centres, PyTorch <c>align_corners=False</c>).</summary>
    public static float[] ResizePlanes(float[] planes, int channels, int height, int width, int toHeight, int toWidth)
    {
        if (height == toHeight && width == toWidth) return planes;
        return Resize.Bilinear(new ImageF(channels, height, width, planes), toHeight, toWidth, false).Data;
    }

    /// <summary>
    /// Input ranges of 1-D adaptive average pooling from <paramref name="inputLength"/> to
    /// <paramref name="outputLength"/> (PyTorch <c>adaptive_avg_pool1d</c>: [⌊i·L/O⌋, ⌈(i+1)·L/O⌉)).
    /// </summary>
    public static (int Start, int End)[] AdaptivePoolRanges(int inputLength, int outputLength)
    {
        var r = new (int, int)[outputLength];
        for (int i = 0; i < outputLength; i++)
            r[i] = ((int)((long)i * inputLength / outputLength), (int)(((long)(i + 1) * inputLength + outputLength - 1) / outputLength));
        return r;
    }

    public static void AdaptiveAveragePool(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<(int Start, int End)> ranges)
    {
        for (int i = 0; i < ranges.Length; i++)
        {
            var (s, e) = ranges[i];
            output[i] = TensorPrimitives.Sum(input[s..e]) / (e - s);
        }
    }

    /// <summary>Transposes planar C × P into patch-major P × C rows.</summary>
    public static void PlanarToRows(ReadOnlySpan<float> planes, int channels, int positions, Span<float> rows, int rowStride, int columnOffset)
    {
        for (int c = 0; c < channels; c++)
        {
            var plane = planes.Slice(c * positions, positions);
            for (int p = 0; p < positions; p++) rows[p * rowStride + columnOffset + c] = plane[p];
        }
    }
}
