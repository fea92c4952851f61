using MathNet.Numerics.LinearAlgebra;

namespace Inspecta.Search;

/// <summary>
/// The leading principal directions of a memory bank, for the pruned candidate pass of
/// <see cref="ExactNearestNeighbours"/>: m float rows w_j (an m×d matrix W) spanning the subspace where most of the
/// bank's variance lies, with rigorous bounds on W's singular values so that distances measured in the subspace
/// bound the full distances from below and above (see <c>ExactNearestNeighbours.Projected.cs</c>).
/// </summary>
/// <remarks>
/// The basis only decides how much work the search saves, never its results: any W with valid singular-value
/// bounds gives the exact neighbours. It is therefore recomputed when an index is built (from a sample of the bank)
/// rather than stored in model files.
/// </remarks>
internal sealed class ProjectionBasis
{
    /// <summary>Rows of the bank sampled for the covariance (more only refines a basis that is already good enough).</summary>
    private const int SampleRows = 8192;

    /// <summary>Share of the bank's variance the chosen subspace must hold.</summary>
    public const double EnergyTarget = 0.95;

    /// <summary>W, row-major m×d (each row a unit principal direction, rounded to float).</summary>
    public float[] Rows { get; }

    /// <summary>m.</summary>
    public int Size { get; }

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>Upper bound on σ_max(W)².</summary>
    public double SigmaMaxSquared { get; }

    /// <summary>Lower bound on σ_min(W)² (&gt; 0).</summary>
    public double SigmaMinSquared { get; }

    /// <summary>‖W‖_F (rounded up).</summary>
    public double FrobeniusNorm { get; }

    /// <summary>Share of the sampled variance inside the subspace.</summary>
    public double Energy { get; }

    private ProjectionBasis(float[] rows, int size, int dim, double energy)
    {
        Rows = rows;
        Size = size;
        Dimension = dim;
        Energy = energy;
        // Gershgorin discs of the Gram matrix G = W·Wᵀ (its eigenvalues are the σ²), in double; the margin covers
        // the rounding of the double sums (d products of floats, relative error < d·2⁻⁵³).
        double max = 0, min = double.PositiveInfinity, frobenius = 0;
        for (int i = 0; i < size; i++)
        {
            var wi = rows.AsSpan(i * dim, dim);
            double off = 0, diag = 0;
            for (int j = 0; j < size; j++)
            {
                var wj = rows.AsSpan(j * dim, dim);
                double g = 0;
                for (int k = 0; k < dim; k++) g += (double)wi[k] * wj[k];
                if (i == j) diag = g;
                else off += Math.Abs(g);
            }
            frobenius += diag;
            max = Math.Max(max, diag + off);
            min = Math.Min(min, diag - off);
        }
        SigmaMaxSquared = max * (1 + 1e-12) + 1e-15;
        SigmaMinSquared = min * (1 - 1e-12) - 1e-15;
        FrobeniusNorm = Math.Sqrt(frobenius) * (1 + 1e-12);
    }

    /// <summary>
    /// The basis for rows centred on <paramref name="mean"/>, or null when the bank's variance does not concentrate
    /// in at most <paramref name="maxSize"/> directions (then pruning would not pay). <paramref name="forcedSize"/>
    /// fixes m regardless (tests).
    /// </summary>
    public static ProjectionBasis? Compute(float[] bank, int count, int dim, ReadOnlySpan<float> mean, int maxSize, int forcedSize = 0)
    {
        int step = Math.Max(1, (count + SampleRows - 1) / SampleRows);
        int samples = (count + step - 1) / step;
        // Xᵀ (d × samples) of the centred sample, so that the covariance is one Sgemm call: C = Xᵀ·(Xᵀ)ᵀ.
        var xt = new float[(long)dim * samples];
        for (int s = 0; s < samples; s++)
        {
            var row = bank.AsSpan(s * step * dim, dim);
            for (int k = 0; k < dim; k++) xt[(long)k * samples + s] = row[k] - mean[k];
        }
        var cov = new float[dim * dim];
        Sgemm.MultiplyTransposed(xt, dim, xt, dim, samples, cov);
        var c = Matrix<double>.Build.Dense(dim, dim, (i, j) => 0.5 * ((double)cov[i * dim + j] + cov[j * dim + i]));
        var evd = c.Evd(Symmetricity.Symmetric);
        double[] values = [.. evd.EigenValues.Select(v => Math.Max(0, v.Real))];
        int[] order = [.. Enumerable.Range(0, dim).OrderByDescending(i => values[i]).ThenBy(i => i)];
        double total = values.Sum();
        if (!(total > 0)) return null;

        int size = forcedSize;
        if (size <= 0)
        {
            double acc = 0;
            for (int i = 0; i < dim && size == 0; i++)
                if ((acc += values[order[i]]) >= EnergyTarget * total) size = i + 1;
            size = (size + 15) / 16 * 16;   // whole vectors in the kernel
            if (size > maxSize) return null;
        }
        size = Math.Min(size, dim);
        var rows = new float[size * dim];
        double energy = 0;
        for (int j = 0; j < size; j++)
        {
            energy += values[order[j]];
            for (int k = 0; k < dim; k++) rows[j * dim + k] = (float)evd.EigenVectors[k, order[j]];
        }
        var basis = new ProjectionBasis(rows, size, dim, energy / total);
        return basis.SigmaMinSquared > 0.5 ? basis : null;   // a near-orthonormal W always passes; anything else is a numerical failure
    }

    /// <summary>heads[i, j] = w_j · centred[i] (Sgemm; its rounding is bounded by the caller).</summary>
    public void Project(ReadOnlySpan<float> centred, int rows, Span<float> heads) =>
        Sgemm.MultiplyTransposed(centred, rows, Rows, Size, Dimension, heads);
}
