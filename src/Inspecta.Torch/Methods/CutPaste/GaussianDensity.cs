using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary>
/// CutPaste's density estimator (Li et al. 2021, Sec. 3.2): a Gaussian fitted to the embeddings of good images, mean μ and
/// the Ledoit–Wolf shrinkage covariance Σ = (1 − ρ)·S + ρ·(tr S / d)·I (S the empirical covariance, ρ the shrinkage of
/// Ledoit and Wolf 2004, as scikit-learn computes it), plus a ridge of 10⁻⁶·tr S / d; score = the Mahalanobis distance
/// √((x − μ)ᵀ Σ⁻¹ (x − μ)). Everything in float64; the precision Σ⁻¹ is stored.
/// </summary>
internal sealed class GaussianDensity : IDisposable
{
    public const double Ridge = 1e-6;

    public int Dim { get; }
    public double[] Mean { get; }
    /// <summary>Σ⁻¹, row-major d×d.</summary>
    public double[] Precision { get; }
    public double Shrinkage { get; }
    public int Samples { get; }

    private readonly Tensor _mean, _precision;

    public GaussianDensity(double[] mean, double[] precision, double shrinkage, int samples)
    {
        Dim = mean.Length;
        if (precision.Length != Dim * Dim) throw new ArgumentException($"precision has {precision.Length} values for a {Dim}-d Gaussian.");
        (Mean, Precision, Shrinkage, Samples) = (mean, precision, shrinkage, samples);
        _mean = tensor(mean, [1, Dim]).DetachFromDisposeScope();
        _precision = tensor(precision, [Dim, Dim]).DetachFromDisposeScope();
    }

    /// <summary>Fits the Gaussian to n×d embeddings (n ≥ 2); <paramref name="what"/> names them in errors.</summary>
    public static GaussianDensity Fit(Tensor embeddings, string method, string what)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = embeddings.to(ScalarType.Float64);
        int n = (int)x.shape[0], d = (int)x.shape[1];
        if (n < 2) throw new InspectaUserException($"{method}: a Gaussian of {what} needs at least 2 of them, got {n}.");
        var meanT = x.mean([0], true);
        var c = x.Plus(meanT.neg());
        var c2 = c.Squared();
        double[] mean = meanT.data<double>().ToArray();
        double[] xtx = c.t().mm(c).data<double>().ToArray();
        double[] x2tx2 = c2.t().mm(c2).data<double>().ToArray();

        // Ledoit–Wolf shrinkage (scikit-learn's ledoit_wolf_shrinkage on centred data).
        double trace = 0;
        for (int i = 0; i < d; i++) trace += xtx[i * d + i] / n;
        double mu = trace / d;
        double beta_ = 0, delta_ = 0;
        for (int i = 0; i < d * d; i++)
        {
            beta_ += x2tx2[i];
            delta_ += xtx[i] * xtx[i];
        }
        delta_ /= (double)n * n;
        double beta = 1.0 / ((double)d * n) * (beta_ / n - delta_);
        double delta = (delta_ - 2 * mu * trace + d * mu * mu) / d;
        beta = Math.Min(beta, delta);
        double shrinkage = beta == 0 ? 0 : beta / delta;
        if (!(mu > 0) || !double.IsFinite(mu))
            throw new InspectaUserException($"{method}: the {what} of the good images do not vary (all {n} are identical), so no Gaussian can be fitted; give varied good images.");

        var cov = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                cov[i * d + j] = (1 - shrinkage) * xtx[i * d + j] / n + (i == j ? shrinkage * mu + Ridge * mu : 0);
        return new GaussianDensity(mean, Invert(cov, d, method, what), shrinkage, n);
    }

    /// <summary>Mahalanobis distances of m×d embeddings (float32 or float64) → m values.</summary>
    public float[] Distances(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        var x = embeddings.to(ScalarType.Float64);
        var diff = x.Plus(_mean.neg());
        var q = diff.mm(_precision).mul(diff).sum([1]).clamp_min(Scalars.Of(0)).sqrt();
        return [.. q.data<double>().ToArray().Select(v => (float)v)];
    }

    /// <summary>Inverse of a symmetric positive definite matrix through its Cholesky factor (libtorch's LAPACK, float64).</summary>
    private static double[] Invert(double[] a, int d, string method, string what)
    {
        using var scope = NewDisposeScope();
        var (l, info) = linalg.cholesky_ex(tensor(a, [d, d]));
        if (info.item<int>() != 0)
            throw new InspectaUserException($"{method}: the covariance of the {what} is not positive definite; give more, or more varied, good images.");
        return l.cholesky_inverse().data<double>().ToArray();
    }

    public void Dispose()
    {
        _mean.Dispose();
        _precision.Dispose();
    }
}
