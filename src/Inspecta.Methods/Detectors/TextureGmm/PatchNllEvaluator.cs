using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Detectors.TextureGmm;

/// <summary>
/// Dense per-pixel negative log-likelihood of the P×P patch centred on each pixel under a
/// <see cref="GaussianMixture"/>. The hot loop processes 8 horizontally adjacent pixels per
/// Vector256: their P² patch values are 8-wide loads from the mirrored image, and the whitening
/// W·x − W·μ runs on the packed lower triangle of W with fused multiply-adds, so no patch matrix is
/// ever materialised.
/// </summary>
internal sealed class PatchNllEvaluator
{
    private const int Lanes = 8;
    private readonly int _patch, _dim, _components;
    private readonly float[] _packedW;      // per component, rows j = 0..D-1, entries i = 0..j
    private readonly float[] _whitenedMeans; // K × D
    private readonly float[] _logNormalizers;

    public int PatchSize => _patch;

    public PatchNllEvaluator(GaussianMixture mixture, int patchSize)
    {
        if (patchSize % 2 == 0 || patchSize * patchSize != mixture.Dimension)
            throw new ArgumentException($"Patch size {patchSize} does not match mixture dimension {mixture.Dimension}.");
        _patch = patchSize; _dim = mixture.Dimension; _components = mixture.Components;
        int d = _dim, tri = d * (d + 1) / 2;
        _packedW = new float[_components * tri];
        for (int c = 0; c < _components; c++)
        {
            int o = c * tri;
            for (int j = 0; j < d; j++)
                for (int i = 0; i <= j; i++) _packedW[o++] = mixture.Whitening[c * d * d + j * d + i];
        }
        _whitenedMeans = mixture.WhitenedMeans;
        _logNormalizers = mixture.LogNormalizers;
    }

    /// <summary>Mirrors the image by P/2 on every side and pads the width to whole vectors.</summary>
    public static float[] MirrorPad(ReadOnlySpan<float> image, int height, int width, int patch, out int paddedWidth)
    {
        int r = patch / 2;
        int vectorWidth = (width + Lanes - 1) / Lanes * Lanes;
        paddedWidth = vectorWidth + 2 * r;
        int ph = height + 2 * r;
        var padded = new float[ph * paddedWidth];
        for (int py = 0; py < ph; py++)
        {
            int sy = Imaging.Padding.Mirror(py - r, height);
            for (int px = 0; px < paddedWidth; px++)
                padded[py * paddedWidth + px] = image[sy * width + Imaging.Padding.Mirror(px - r, width)];
        }
        return padded;
    }


    /// <summary>NLL of every pixel's patch of an H×W image into <paramref name="output"/> (H×W).</summary>
    public void Evaluate(ReadOnlySpan<float> image, int height, int width, float[] output)
    {
        var padded = MirrorPad(image, height, width, _patch, out int pw);
        Parallel.For(0, height, y => EvaluateRow(padded, pw, y, width, output));
    }

    [SkipLocalsInit]
    private void EvaluateRow(float[] padded, int pw, int y, int width, float[] output)
    {
        int p = _patch, d = _dim, k = _components, tri = d * (d + 1) / 2;
        Span<Vector256<float>> v = stackalloc Vector256<float>[d];
        Span<float> mahal = stackalloc float[k * Lanes];
        ref float src = ref padded[0];
        ref float w0 = ref _packedW[0];
        for (int x0 = 0; x0 < width; x0 += Lanes)
        {
            for (int dy = 0; dy < p; dy++)
            {
                int rowStart = (y + dy) * pw + x0;
                for (int dx = 0; dx < p; dx++)
                    v[dy * p + dx] = Vector256.LoadUnsafe(ref src, (nuint)(rowStart + dx));
            }
            for (int c = 0; c < k; c++)
            {
                var acc = Vector256<float>.Zero;
                int o = c * tri;
                for (int j = 0; j < d; j++)
                {
                    var yj = Vector256.Create(-_whitenedMeans[c * d + j]);
                    for (int i = 0; i <= j; i++, o++)
                        yj = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref w0, o)), v[i], yj);
                    acc = Vector256.FusedMultiplyAdd(yj, yj, acc);
                }
                acc.CopyTo(mahal.Slice(c * Lanes, Lanes));
            }
            int lanes = Math.Min(Lanes, width - x0);
            for (int lane = 0; lane < lanes; lane++)
            {
                float max = float.NegativeInfinity;
                for (int c = 0; c < k; c++) max = MathF.Max(max, _logNormalizers[c] - 0.5f * mahal[c * Lanes + lane]);
                float sum = 0;
                for (int c = 0; c < k; c++) sum += MathF.Exp(_logNormalizers[c] - 0.5f * mahal[c * Lanes + lane] - max);
                output[y * width + x0 + lane] = -(max + MathF.Log(sum));
            }
        }
    }
}
