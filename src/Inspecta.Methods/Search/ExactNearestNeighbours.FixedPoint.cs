using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>The 16-bit fixed-point candidate pass (<see cref="Int16MicroKernel"/>); re-ranking is the float path's.</summary>
public sealed unsafe partial class ExactNearestNeighbours
{
    /// <summary>
    /// Like <see cref="Run"/>, but the dot products of the candidate pass are exact integer dot products of 16-bit
    /// fixed-point rows (per-row scales). With q̃ = s_q·q̂ and b̃ = s_b·b̂ the dequantised centred rows,
    /// |q′·b′ − q̃·b̃| ≤ ‖q′ − q̃‖·‖b′‖ + ‖q̃‖·‖b′ − b̃‖ (Cauchy–Schwarz), so the approximate d² is off by at most twice
    /// that plus the fp32 roundings of the epilogue; the window of every query is twice this bound with the bank-wide
    /// maxima of ‖b′‖ and ‖b′ − b̃‖. The candidate set therefore still contains the exact top-k, and the exact
    /// re-ranking makes the results identical to the float path's.
    /// </summary>
    private void RunFixedPoint(nint queries, int queryCount, int k, nint distances, nint indices, int[]? slivers, byte[]? allowed)
    {
        int sliverCount = slivers?.Length ?? _slivers;
        int dim = Dimension, mr = Int16MicroKernel.Mr, nr = Int16MicroKernel.Nr, pairs = FixedPointPanels.Pairs(dim);
        int panels = (queryCount + mr - 1) / mr;
        var packedQ = new int[(long)panels * pairs * mr];
        var qNorms = new float[panels * mr];
        var qScales = new float[panels * mr];
        var windows = new double[queryCount];
        double unitRound = Math.ScaleB(1.0, -24);
        double maxBankLength = Math.Sqrt(_maxBankNorm);
        Parallel.For(0, panels, ParallelOptions, p =>
        {
            var q = new ReadOnlySpan<float>((float*)queries, queryCount * dim);
            Span<double> norms = stackalloc double[mr];
            Span<double> residuals = stackalloc double[mr];
            FixedPointPanels.Pack(q, queryCount, dim, p * mr, mr, _mean, _levels, packedQ.AsSpan(p * pairs * mr, pairs * mr),
                qScales.AsSpan(p * mr, mr), norms, residuals);
            int end = Math.Min(queryCount, (p + 1) * mr);
            for (int i = p * mr; i < end; i++)
            {
                double n = norms[i - p * mr], r = residuals[i - p * mr];
                qNorms[i] = (float)n;
                // Rounding of the float epilogue (int→float, scale products, norms, the final FMA) and of centring:
                // the float path's bound, doubled; plus the quantisation bound (×1.001 for the double arithmetic above).
                double rounding = 2.0 * (dim + 16) * unitRound * (n + _maxBankNorm);
                double quantisation = 2.0 * (r * maxBankLength + (Math.Sqrt(n) + r) * _maxResidual) * 1.001;
                windows[i] = 2.0 * (rounding + quantisation) + 1e-30;
            }
        });

        ScanTasks(panels, mr, sliverCount, queryCount, k, windows, (sliverBegin, sliverEnd, panelBegin, panelEnd, mine) =>
        {
            int* tile = stackalloc int[mr * nr];
            fixed (int* pq = packedQ)
            fixed (int* pb = _packedPairs)
            fixed (float* bn = _bankNorms)
            fixed (float* bs = _bankScales)
            fixed (float* qn = qNorms)
            fixed (float* qs = qScales)
            fixed (byte* ok = allowed)
            {
                for (int t = sliverBegin; t < sliverEnd; t++)
                {
                    int s = slivers is null ? t : slivers[t];
                    int* sliver = pb + (long)s * pairs * nr;
                    for (int p = panelBegin; p < panelEnd; p++)
                    {
                        Int16MicroKernel.Run(pq + (long)p * pairs * mr, sliver, pairs, tile);
                        int rows = Math.Min(mr, queryCount - p * mr);
                        CollectFixedPoint(tile, rows, p * mr, s * nr, qn, qs, bn, bs, ok, mine);
                    }
                }
            }
        }, queries, distances, indices);
    }

    /// <summary>Fused epilogue: approx d² = ‖q′‖² + ‖b′‖² − 2·s_q·s_b·(q̂·b̂) per tile entry; offers the promising ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CollectFixedPoint(int* tile, int rows, int query0, int bank0, float* qn, float* qs, float* bn, float* bs,
        byte* allowed, CandidateList[] lists)
    {
        const int nr = Int16MicroKernel.Nr;
        for (int i = 0; i < rows; i++)
        {
            CandidateList list = lists[query0 + i];
            int* dots = tile + i * nr;
            Vector256<float> qv = Vector256.Create(qn[query0 + i]);
            Vector256<float> minusTwoScale = Vector256.Create(-2f * qs[query0 + i]);
            for (int j = 0; j < nr; j += 8)
            {
                Vector256<float> scale = minusTwoScale * Vector256.Load(bs + bank0 + j);
                Vector256<float> approx = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Vector256.Load(dots + j)), scale,
                    qv + Vector256.Load(bn + bank0 + j));
                Offer(list, approx, bank0 + j, allowed);
            }
        }
    }
}
