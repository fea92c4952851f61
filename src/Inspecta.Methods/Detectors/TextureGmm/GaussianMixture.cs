using System.Numerics.Tensors;

namespace Inspecta.Detectors.TextureGmm;

/// <summary>
/// A Gaussian mixture with full covariances. Fitting: k-means++ seeding, a few Lloyd steps, then EM
/// with ridge-regularised covariances. Evaluation uses, per component, the inverse Cholesky factor
/// W = L⁻¹ (Σ = L·Lᵀ) so that the squared Mahalanobis distance is ‖W·x − W·μ‖².
/// </summary>
public sealed class GaussianMixture
{
    public int Components { get; }
    public int Dimension { get; }
    /// <summary>Mixing weights, length K.</summary>
    public double[] Weights { get; }
    /// <summary>Means, K × D row-major.</summary>
    public double[] Means { get; }
    /// <summary>Covariances (regularised), K × D × D row-major.</summary>
    public double[] Covariances { get; }

    /// <summary>Lower-triangular W = L⁻¹ per component, K × D × D row-major (float, for the hot loop).</summary>
    internal float[] Whitening { get; }
    /// <summary>W·μ per component, K × D.</summary>
    internal float[] WhitenedMeans { get; }
    /// <summary>log πₖ − ½ log|Σₖ| − D/2 · log 2π per component.</summary>
    internal float[] LogNormalizers { get; }

    public GaussianMixture(double[] weights, double[] means, double[] covariances, int dimension)
    {
        int k = weights.Length;
        if (k == 0 || means.Length != k * dimension || covariances.Length != k * dimension * dimension)
            throw new ArgumentException("Mixture arrays do not match the component count and dimension.");
        Components = k; Dimension = dimension;
        Weights = weights; Means = means; Covariances = covariances;
        Whitening = new float[k * dimension * dimension];
        WhitenedMeans = new float[k * dimension];
        LogNormalizers = new float[k];
        int d = dimension;
        var chol = new double[d * d];
        var inv = new double[d * d];
        for (int c = 0; c < k; c++)
        {
            if (!Cholesky(covariances.AsSpan(c * d * d, d * d), d, chol))
                throw new InvalidOperationException($"Covariance of component {c} is not positive definite.");
            InvertLower(chol, d, inv);
            double logDet = 0;
            for (int i = 0; i < d; i++) logDet += 2 * Math.Log(chol[i * d + i]);
            LogNormalizers[c] = (float)(Math.Log(weights[c]) - 0.5 * logDet - 0.5 * d * Math.Log(2 * Math.PI));
            for (int i = 0; i < d * d; i++) Whitening[c * d * d + i] = (float)inv[i];
            for (int j = 0; j < d; j++)
            {
                double s = 0;
                for (int i = 0; i <= j; i++) s += inv[j * d + i] * means[c * d + i];
                WhitenedMeans[c * d + j] = (float)s;
            }
        }
    }

    /// <summary>Number of free parameters (for BIC): K means, K symmetric covariances, K − 1 weights.</summary>
    public long ParameterCount => (long)Components * (Dimension + Dimension * (Dimension + 1) / 2) + Components - 1;

    /// <summary>Negative log-likelihood of one vector (reference implementation; the map evaluator is vectorised).</summary>
    public double NegativeLogLikelihood(ReadOnlySpan<float> x)
    {
        Span<double> terms = stackalloc double[Components];
        ComponentLogDensities(x, terms, stackalloc float[Dimension]);
        return -LogSumExp(terms);
    }

    internal void ComponentLogDensities(ReadOnlySpan<float> x, Span<double> terms, Span<float> y)
    {
        int d = Dimension;
        for (int c = 0; c < Components; c++)
        {
            var w = Whitening.AsSpan(c * d * d, d * d);
            for (int j = 0; j < d; j++)
                y[j] = TensorPrimitives.Dot(w.Slice(j * d, j + 1), x[..(j + 1)]) - WhitenedMeans[c * d + j];
            terms[c] = LogNormalizers[c] - 0.5 * TensorPrimitives.Dot<float>(y, y);
        }
    }

    internal static double LogSumExp(ReadOnlySpan<double> terms)
    {
        double max = double.NegativeInfinity;
        foreach (double t in terms) max = Math.Max(max, t);
        double s = 0;
        foreach (double t in terms) s += Math.Exp(t - max);
        return max + Math.Log(s);
    }

    /// <summary>Cholesky Σ = L·Lᵀ into <paramref name="l"/> (lower, row-major); false if not positive definite.</summary>
    internal static bool Cholesky(ReadOnlySpan<double> a, int d, double[] l)
    {
        Array.Clear(l);
        for (int j = 0; j < d; j++)
        {
            double s = a[j * d + j];
            for (int k = 0; k < j; k++) s -= l[j * d + k] * l[j * d + k];
            if (!(s > 0)) return false;
            double diag = Math.Sqrt(s);
            l[j * d + j] = diag;
            for (int i = j + 1; i < d; i++)
            {
                double t = a[i * d + j];
                for (int k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k];
                l[i * d + j] = t / diag;
            }
        }
        return true;
    }

    /// <summary>Inverse of a lower-triangular matrix (lower triangular again), by forward substitution.</summary>
    private static void InvertLower(double[] l, int d, double[] inv)
    {
        Array.Clear(inv);
        for (int col = 0; col < d; col++)
        {
            inv[col * d + col] = 1.0 / l[col * d + col];
            for (int i = col + 1; i < d; i++)
            {
                double s = 0;
                for (int k = col; k < i; k++) s -= l[i * d + k] * inv[k * d + col];
                inv[i * d + col] = s / l[i * d + i];
            }
        }
    }
}
