namespace Inspecta.Search;

/// <summary>
/// Packs centred rows as 16-bit fixed point for <see cref="Int16MicroKernel"/>: each row r gets its own scale
/// s_r = max|r′| / L, values round(r′ / s_r) (|v| ≤ L), stored pair-major (one int32 word per dimension pair and
/// row). Also returns what the error bound needs: ‖r′‖² of the float centred row and ‖r′ − s_r·v‖ (the residual).
/// </summary>
internal static class FixedPointPanels
{
    /// <summary>Dimension pairs per row (odd dimensions padded with a zero).</summary>
    public static int Pairs(int dim) => (dim + 1) / 2;

    /// <summary>
    /// Packs rows [row0, row0+width) of src (row-major rows×dim) minus <paramref name="mean"/> into
    /// dst[p*width + j] (pairs × width words, zero padded); per packed row writes scale, ‖r′‖² and residual norm.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> src, int rows, int dim, int row0, int width, ReadOnlySpan<float> mean, int levels,
        Span<int> dst, Span<float> scales, Span<double> norms, Span<double> residuals)
    {
        int pairs = Pairs(dim);
        int valid = Math.Min(width, rows - row0);
        dst[..(pairs * width)].Clear();
        scales[..width].Clear();
        norms[..width].Clear();
        residuals[..width].Clear();
        Span<float> centred = dim <= 2048 ? stackalloc float[dim] : new float[dim];
        for (int j = 0; j < valid; j++)
        {
            ReadOnlySpan<float> row = src.Slice((row0 + j) * dim, dim);
            float max = 0;
            double n = 0;
            for (int k = 0; k < dim; k++)
            {
                float v = row[k] - mean[k];
                centred[k] = v;
                max = Math.Max(max, Math.Abs(v));
                n += (double)v * v;
            }
            norms[j] = n;
            if (max == 0) continue;   // zero row: all values 0, scale 0, residual 0
            float scale = max / levels;
            double residual = 0;
            for (int k = 0; k < dim; k++)
            {
                int q = Math.Clamp((int)MathF.Round(centred[k] / scale), -levels, levels);
                double e = centred[k] - (double)scale * q;
                residual += e * e;
                ref int word = ref dst[(k >> 1) * width + j];
                // Low int16 = even dimension, high int16 = odd one (vpmaddwd pairs adjacent int16 lanes).
                word = (k & 1) == 0 ? (word & unchecked((int)0xFFFF0000)) | (ushort)(short)q : (word & 0xFFFF) | (q << 16);
            }
            scales[j] = scale;
            residuals[j] = Math.Sqrt(residual);
        }
    }
}
