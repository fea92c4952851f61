namespace Inspecta.Detectors.VariationModel;

/// <summary>
/// A multiplicative lighting model f(u, v) = A + B·u + C·v over normalised image coordinates
/// u = x / (W − 1), v = y / (H − 1): overall gain plus a linear gradient, as uneven or drifting
/// illumination produces. Fitted by least squares of x ≈ f · μ against the model mean, so that
/// x / f can be compared with μ and σ learnt under the reference lighting.
/// </summary>
internal readonly record struct IlluminationPlane(double A, double B, double C)
{
    public static IlluminationPlane Identity => new(1, 0, 0);

    public float Factor(double u, double v) => (float)(A + B * u + C * v);

    /// <summary>Normal equations of the 3-parameter least-squares problem, accumulated pixel by pixel.</summary>
    public sealed class Accumulator
    {
        private double _mm, _mmu, _mmv, _mmuu, _mmuv, _mmvv, _xm, _xmu, _xmv;
        private long _count;

        public void Add(double x, double mu, double u, double v)
        {
            double m2 = mu * mu;
            _mm += m2; _mmu += m2 * u; _mmv += m2 * v;
            _mmuu += m2 * u * u; _mmuv += m2 * u * v; _mmvv += m2 * v * v;
            _xm += x * mu; _xmu += x * mu * u; _xmv += x * mu * v;
            _count++;
        }

        public void Merge(Accumulator other)
        {
            _mm += other._mm; _mmu += other._mmu; _mmv += other._mmv;
            _mmuu += other._mmuu; _mmuv += other._mmuv; _mmvv += other._mmvv;
            _xm += other._xm; _xmu += other._xmu; _xmv += other._xmv;
            _count += other._count;
        }

        /// <summary>The least-squares plane; identity when the system is degenerate (e.g. a black image).</summary>
        public IlluminationPlane Solve()
        {
            // | mm   mmu  mmv  | |A|   | xm  |
            // | mmu  mmuu mmuv | |B| = | xmu |
            // | mmv  mmuv mmvv | |C|   | xmv |
            double det = Det(_mm, _mmu, _mmv, _mmu, _mmuu, _mmuv, _mmv, _mmuv, _mmvv);
            if (_count < 3 || !(Math.Abs(det) > 1e-12 * Math.Pow(_mm, 3))) return Identity;
            double a = Det(_xm, _mmu, _mmv, _xmu, _mmuu, _mmuv, _xmv, _mmuv, _mmvv) / det;
            double b = Det(_mm, _xm, _mmv, _mmu, _xmu, _mmuv, _mmv, _xmv, _mmvv) / det;
            double c = Det(_mm, _mmu, _xm, _mmu, _mmuu, _xmu, _mmv, _mmuv, _xmv) / det;
            // A lighting factor must stay positive over the image; otherwise the fit is meaningless.
            if (!(a > 0 && a + b > 0 && a + c > 0 && a + b + c > 0)) return Identity;
            return new IlluminationPlane(a, b, c);
        }

        private static double Det(double a, double b, double c, double d, double e, double f, double g, double h, double i) =>
            a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    }
}
