namespace Inspecta.Search;

/// <summary>
/// The bank side of the pruned candidate pass, and the bounds that make it exact. With c̃ = fl(x − μ) the centred
/// float rows, P the orthogonal projection onto the row space of the basis W (m×d) and ĥ = fl(W·c̃) the computed
/// m-dimensional heads, the squared distance D = ‖q − b‖² of any query q and bank row b satisfies
/// <code>
///   D ≥ (H̃ − w)/σ²max + gap² − 2ρS      D ≤ (H̃ + w′)/σ²min + (t_q⁺ + t_b⁺)² + 2ρS + ρ²
/// </code>
/// where H̃ is the fp32 expansion ‖ĥ_q‖² + ‖ĥ_b‖² − 2ĥ_q·ĥ_b, t⁻ ≤ ‖(I − P)c̃‖ ≤ t⁺ the tail norms, gap =
/// max(0, t_q⁻ − t_b⁺, t_b⁻ − t_q⁺), and w, w′, ρ, S per-query constants built from the rounding bounds below:
/// <list type="bullet">
/// <item>ε_H = 2(m + 16)u(‖ĥ_q‖² + max‖ĥ_b‖²): the fp32 expansion (as in the float candidate pass);</item>
/// <item>η_x = γ_d‖W‖_F‖c̃_x‖: the rounding of ĥ_x against W·c̃_x (any summation order, Cauchy–Schwarz per row);</item>
/// <item>ρ_x = u(1 + 2u)‖c̃_x‖/(1 − u): the rounding of the centring;</item>
/// <item>σ²max, σ²min: Gershgorin bounds of W·Wᵀ, so ‖W y‖/σmax ≤ ‖P y‖ ≤ ‖W y‖/σmin.</item>
/// </list>
/// Derivation: ‖q − b‖ differs from ‖c̃_q − c̃_b‖ by at most ρ = ρ_q + ρ_b; ‖c̃_q − c̃_b‖² = ‖P(·)‖² + ‖(I − P)(·)‖²
/// exactly; ‖W(c̃_q − c̃_b)‖ is within η = η_q + η_b of ‖ĥ_q − ĥ_b‖, which H̃ gives to within ε_H; the tail part is at
/// least |‖(I−P)c̃_q‖ − ‖(I−P)c̃_b‖| and at most their sum. Square roots are avoided by linearising with
/// R = ‖ĥ_q‖ + max‖ĥ_b‖ ≥ ‖ĥ_q − ĥ_b‖ and S = ‖c̃_q‖ + max‖c̃_b‖ ≥ ‖c̃_q − c̃_b‖, which makes every term
/// but H̃ and the tails a per-query constant; a final margin of 16u times the largest magnitude involved covers
/// the fp32 arithmetic that evaluates the bounds.
/// </summary>
internal sealed class ProjectedBank
{
    private const double Unit = 1.0 / (1 << 24);

    public ProjectionBasis Basis { get; }
    /// <summary>Bank heads in slivers of <see cref="MicroKernel.Nr"/> rows, k-major (m × Nr each).</summary>
    public float[] Packed { get; }
    /// <summary>‖ĥ_b‖² per row; NaN in the padding of the last sliver, so it is never a candidate.</summary>
    public float[] HeadNorms { get; }
    /// <summary>Lower and upper bounds of ‖(I − P)c̃_b‖ per row (padding 0).</summary>
    public float[] TailLow { get; }
    public float[] TailHigh { get; }
    public int Slivers { get; }

    private readonly float[] _mean;
    private readonly double _maxHead, _maxHeadSquared, _maxCentred, _maxHeadError, _maxCentringError, _maxTail;

    public ProjectedBank(float[] bank, int count, int dim, float[] mean, ProjectionBasis basis)
    {
        Basis = basis;
        _mean = mean;
        int m = basis.Size, nr = MicroKernel.Nr;
        Slivers = (count + nr - 1) / nr;
        Packed = new float[(long)Slivers * m * nr];
        HeadNorms = new float[Slivers * nr];
        HeadNorms.AsSpan(count).Fill(float.NaN);
        TailLow = new float[Slivers * nr];
        TailHigh = new float[Slivers * nr];

        var (heads, centredNorms) = Heads(bank, count);
        var zero = new float[m];
        double maxHead = 0, maxHeadSquared = 0, maxCentred = 0, maxTail = 0;
        object gate = new();
        Parallel.For(0, Slivers, ExactNearestNeighbours.ParallelOptions, () => (0.0, 0.0, 0.0, 0.0), (s, _, local) =>
        {
            Span<double> norms = stackalloc double[nr];
            ExactNearestNeighbours.PackCentred(heads, count, m, s * nr, nr, zero, Packed.AsSpan(s * m * nr, m * nr), norms);
            for (int j = s * nr, end = Math.Min(count, (s + 1) * nr); j < end; j++)
            {
                double head = norms[j - s * nr], centred = centredNorms[j];
                HeadNorms[j] = (float)head;
                var (low, high) = TailBounds(head, centred);
                TailLow[j] = low;
                TailHigh[j] = high;
                local = (Math.Max(local.Item1, Math.Sqrt(head)), Math.Max(local.Item2, head), Math.Max(local.Item3, Math.Sqrt(centred)),
                    Math.Max(local.Item4, high));
            }
            return local;
        }, local =>
        {
            lock (gate)
            {
                maxHead = Math.Max(maxHead, local.Item1);
                maxHeadSquared = Math.Max(maxHeadSquared, local.Item2);
                maxCentred = Math.Max(maxCentred, local.Item3);
                maxTail = Math.Max(maxTail, local.Item4);
            }
        });
        _maxHead = maxHead * (1 + 1e-12);
        _maxHeadSquared = maxHeadSquared * (1 + 1e-12);
        _maxCentred = maxCentred * (1 + 1e-12);
        _maxTail = maxTail;
        _maxHeadError = HeadError(_maxCentred);
        _maxCentringError = CentringError(_maxCentred);
    }

    /// <summary>Centred rows → heads (rows × m) and ‖c̃‖² per row (double sums of the float centred values).</summary>
    public (float[] Heads, double[] CentredNorms) Heads(ReadOnlySpan<float> rows, int count)
    {
        int dim = Basis.Dimension;
        var centred = new float[(long)count * dim];
        var norms = new double[count];
        for (int i = 0; i < count; i++)
        {
            var src = rows.Slice(i * dim, dim);
            var dst = centred.AsSpan(i * dim, dim);
            double n = 0;
            for (int k = 0; k < dim; k++)
            {
                float v = src[k] - _mean[k];
                dst[k] = v;
                n += (double)v * v;
            }
            norms[i] = n;
        }
        var heads = new float[(long)count * Basis.Size];
        Basis.Project(centred, count, heads);
        return (heads, norms);
    }

    /// <summary>η for a row with ‖c̃‖ = <paramref name="centredNorm"/>.</summary>
    private double HeadError(double centredNorm)
    {
        int d = Basis.Dimension;
        double gamma = d * Unit / (1 - d * Unit);
        return gamma * Basis.FrobeniusNorm * centredNorm * 1.01;
    }

    private static double CentringError(double centredNorm) => Unit * (1 + 2 * Unit) / (1 - Unit) * centredNorm * 1.01;

    /// <summary>Bounds on ‖(I − P)c̃‖ from ‖ĥ‖² and ‖c̃‖² (rounded outwards to float).</summary>
    private (float Low, float High) TailBounds(double headSquared, double centredSquared)
    {
        double head = Math.Sqrt(headSquared), eta = HeadError(Math.Sqrt(centredSquared));
        double projLow = Math.Max(0, head - eta) / Math.Sqrt(Basis.SigmaMaxSquared);
        double projHigh = (head + eta) / Math.Sqrt(Basis.SigmaMinSquared);
        double high = Math.Sqrt(Math.Max(0, centredSquared * (1 + 1e-12) - projLow * projLow)) * (1 + 1e-9);
        double low = Math.Sqrt(Math.Max(0, centredSquared * (1 - 1e-12) - projHigh * projHigh)) * (1 - 1e-9);
        return (RoundDown(low), RoundUp(high));
    }

    /// <summary>What the epilogue needs per query (see the class remarks for the formulas).</summary>
    public readonly record struct QueryBounds(float HeadNorm, float LowerConstant, float UpperConstant, float TailLow, float TailHigh);

    /// <summary>1/σ²max rounded down and 1/σ²min rounded up.</summary>
    public float InverseSigmaMaxSquared => RoundDown(1 / Basis.SigmaMaxSquared);
    public float InverseSigmaMinSquared => RoundUp(1 / Basis.SigmaMinSquared);

    public QueryBounds Bounds(double headSquared, double centredSquared)
    {
        int m = Basis.Size;
        double head = Math.Sqrt(headSquared), centred = Math.Sqrt(centredSquared);
        double epsilon = 2.0 * (m + 16) * Unit * (headSquared + _maxHeadSquared) * 1.01;
        double eta = HeadError(centred) + _maxHeadError;
        double rho = CentringError(centred) + _maxCentringError;
        double r = head + _maxHead, rUp = Math.Sqrt(r * r + 2 * epsilon);
        double s = centred + _maxCentred;
        var (tailLow, tailHigh) = TailBounds(headSquared, centredSquared);
        double invMax = InverseSigmaMaxSquared, invMin = InverseSigmaMinSquared;
        double tails = (double)tailHigh + _maxTail;
        double magnitude = (r * r + epsilon) * invMin + Math.Max(4 * s * s, tails * tails) + 1e-30;
        double margin = 16 * Unit * magnitude;
        double lower = -(epsilon + 2 * r * eta) * invMax - 2 * rho * s - margin;
        double upper = (epsilon + 2 * eta * rUp + eta * eta) * invMin + 2 * rho * s + rho * rho + margin;
        return new QueryBounds((float)headSquared, RoundDown(lower), RoundUp(upper), tailLow, tailHigh);
    }

    private static float RoundDown(double v)
    {
        float f = (float)v;
        return f > v ? MathF.BitDecrement(f) : f;
    }

    private static float RoundUp(double v)
    {
        float f = (float)v;
        return f < v ? MathF.BitIncrement(f) : f;
    }
}
