using Inspecta.Geometry;

namespace Inspecta.Detectors.Btf;

/// <summary>Organised-scan resampling and pooling used by BTF (nearest resize, block-average to the patch grid).</summary>
internal static class ScanGrid
{
    /// <summary>Nearest-neighbour resize (PyTorch's <c>mode='nearest'</c>: source = floor(dst × in / out)); invalid pixels stay invalid.</summary>
    public static OrganizedCloud ResizeNearest(OrganizedCloud scan, int height, int width)
    {
        if (scan.Height == height && scan.Width == width) return scan;
        var xyz = new float[height * width * 3];
        for (int y = 0; y < height; y++)
        {
            int sy = (int)((long)y * scan.Height / height);
            for (int x = 0; x < width; x++)
            {
                int sx = (int)((long)x * scan.Width / width);
                scan.Xyz.AsSpan(3 * (sy * scan.Width + sx), 3).CopyTo(xyz.AsSpan(3 * (y * width + x), 3));
            }
        }
        return new OrganizedCloud(height, width, xyz);
    }

    /// <summary>
    /// Adaptive average pooling of a per-pixel feature image (pixel-major, <paramref name="dim"/> values per pixel, zeros
    /// where no point is) into <paramref name="gridH"/>×<paramref name="gridW"/> cells written at
    /// <paramref name="output"/>[cell × <paramref name="stride"/> + <paramref name="offset"/> ..]. Empty pixels count as
    /// zeros, as in BTF's AvgPool2d over the zero-filled map.
    /// </summary>
    public static void AveragePool(ReadOnlySpan<float> perPixel, int height, int width, int dim, int gridH, int gridW,
        Span<float> output, int stride, int offset)
    {
        for (int gy = 0; gy < gridH; gy++)
        {
            int y0 = gy * height / gridH, y1 = ((gy + 1) * height + gridH - 1) / gridH;
            for (int gx = 0; gx < gridW; gx++)
            {
                int x0 = gx * width / gridW, x1 = ((gx + 1) * width + gridW - 1) / gridW;
                var cell = output.Slice((gy * gridW + gx) * stride + offset, dim);
                cell.Clear();
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        System.Numerics.Tensors.TensorPrimitives.Add(cell, perPixel.Slice((y * width + x) * dim, dim), cell);
                System.Numerics.Tensors.TensorPrimitives.Multiply(cell, 1f / ((y1 - y0) * (x1 - x0)), cell);
            }
        }
    }
}
