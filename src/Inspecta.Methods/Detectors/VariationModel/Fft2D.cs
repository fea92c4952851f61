using System.Numerics;

namespace Inspecta.Detectors.VariationModel;

/// <summary>
/// In-place radix-2 complex FFT on square power-of-two grids, enough for the small (≤ 512²) phase
/// correlations of the alignment step. Real and imaginary parts are kept in separate arrays so the
/// butterflies stay simple float arithmetic.
/// </summary>
internal sealed class Fft2D
{
    private readonly int _n;
    private readonly int _log2;
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly int[] _bitReverse;

    public int Size => _n;

    public Fft2D(int n)
    {
        if (n < 2 || !BitOperations.IsPow2(n)) throw new ArgumentOutOfRangeException(nameof(n), $"FFT size must be a power of two ≥ 2, got {n}.");
        _n = n;
        _log2 = BitOperations.Log2((uint)n);
        _cos = new float[n / 2];
        _sin = new float[n / 2];
        for (int k = 0; k < n / 2; k++)
        {
            double a = -2 * Math.PI * k / n;
            _cos[k] = (float)Math.Cos(a);
            _sin[k] = (float)Math.Sin(a);
        }
        _bitReverse = new int[n];
        for (int i = 0; i < n; i++)
        {
            int r = 0;
            for (int b = 0; b < _log2; b++) r |= ((i >> b) & 1) << (_log2 - 1 - b);
            _bitReverse[i] = r;
        }
    }

    /// <summary>2-D transform of an n×n grid (row-major); <paramref name="inverse"/> includes the 1/n² scale.</summary>
    public void Transform(float[] re, float[] im, bool inverse)
    {
        int n = _n;
        if (re.Length != n * n || im.Length != n * n) throw new ArgumentException($"Expected {n}×{n} grids.");
        Parallel.For(0, n, y => Transform1D(re.AsSpan(y * n, n), im.AsSpan(y * n, n), inverse));
        Parallel.For(0, n, () => (new float[n], new float[n]), (x, _, buf) =>
        {
            var (cr, ci) = buf;
            for (int y = 0; y < n; y++) { cr[y] = re[y * n + x]; ci[y] = im[y * n + x]; }
            Transform1D(cr, ci, inverse);
            for (int y = 0; y < n; y++) { re[y * n + x] = cr[y]; im[y * n + x] = ci[y]; }
            return buf;
        }, _ => { });
        if (inverse)
        {
            float s = 1f / (n * (float)n);
            System.Numerics.Tensors.TensorPrimitives.Multiply(re, s, re);
            System.Numerics.Tensors.TensorPrimitives.Multiply(im, s, im);
        }
    }

    private void Transform1D(Span<float> re, Span<float> im, bool inverse)
    {
        int n = _n;
        for (int i = 0; i < n; i++)
        {
            int j = _bitReverse[i];
            if (j > i) { (re[i], re[j]) = (re[j], re[i]); (im[i], im[j]) = (im[j], im[i]); }
        }
        float sign = inverse ? -1f : 1f;
        for (int size = 2; size <= n; size <<= 1)
        {
            int half = size >> 1, step = n / size;
            for (int start = 0; start < n; start += size)
            {
                for (int k = 0; k < half; k++)
                {
                    float wr = _cos[k * step], wi = sign * _sin[k * step];
                    int a = start + k, b = a + half;
                    float tr = re[b] * wr - im[b] * wi;
                    float ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr; im[b] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                }
            }
        }
    }
}
