using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>
/// The pruned candidate pass: distances in the bank's leading principal subspace (m ≪ d dimensions, <see
/// cref="ProjectionBasis"/>) give a lower and an upper bound on every exact distance (<see cref="ProjectedBank"/>);
/// a row is a candidate while its lower bound is at most the k-th smallest upper bound, and the candidates are
/// re-ranked exactly, nearest lower bound first, until no lower bound is below the k-th exact distance.
/// </summary>
/// <remarks>
/// On PatchCore features (resnet18 layer2+3, 384 values per patch) 64 directions hold 96 % of the variance; the
/// pass then does a sixth of the multiply-adds and 40–50 exact distances per query reach the re-ranking.
/// Results are those of a brute-force scan, like the other passes.
/// </remarks>
public sealed unsafe partial class ExactNearestNeighbours
{
    /// <summary>Banks smaller than this are scanned in full: building the basis would cost more than it saves.</summary>
    private const int MinProjectedRows = 4096;

    private void RunProjected(ProjectedBank projected, nint queries, int queryCount, int k, nint distances, nint indices)
    {
        int m = projected.Basis.Size, mr = MicroKernel.Mr, nr = MicroKernel.Nr;
        int panels = (queryCount + mr - 1) / mr;
        var (heads, centredNorms) = projected.Heads(new ReadOnlySpan<float>((float*)queries, queryCount * Dimension), queryCount);
        var packedQ = new float[(long)panels * m * mr];
        var bounds = new ProjectedBank.QueryBounds[queryCount];
        var zero = new float[m];
        Parallel.For(0, panels, ParallelOptions, p =>
        {
            Span<double> norms = stackalloc double[mr];
            PackCentred(heads, queryCount, m, p * mr, mr, zero, packedQ.AsSpan(p * m * mr, m * mr), norms);
            for (int i = p * mr, end = Math.Min(queryCount, (p + 1) * mr); i < end; i++)
                bounds[i] = projected.Bounds(norms[i - p * mr], centredNorms[i]);
        });

        float invMax = projected.InverseSigmaMaxSquared, invMin = projected.InverseSigmaMinSquared;
        int cap = Math.Max(64, 4 * k);   // grows where needed (≈ 300 rows per query end up in the lists on bottle)
        var lists = Scan(panels, mr, projected.Slivers, queryCount, _ => new BoundedCandidates(k, cap), (sliverBegin, sliverEnd, panelBegin, panelEnd, mine) =>
        {
            float* tile = stackalloc float[mr * nr];
            fixed (float* pq = packedQ)
            fixed (float* pb = projected.Packed)
            fixed (float* bn = projected.HeadNorms)
            fixed (float* tl = projected.TailLow)
            fixed (float* th = projected.TailHigh)
            {
                for (int s = sliverBegin; s < sliverEnd; s++)
                {
                    float* sliver = pb + (long)s * m * nr;
                    for (int p = panelBegin; p < panelEnd; p++)
                    {
                        MicroKernel.Run(pq + (long)p * m * mr, sliver, m, tile, accumulate: false);
                        int rows = Math.Min(mr, queryCount - p * mr);
                        CollectProjected(tile, rows, p * mr, s * nr, bounds, bn, tl, th, invMax, invMin, mine);
                    }
                }
            }
        });

        Parallel.For(0, queryCount, ParallelOptions, i => RerankBounded(new ReadOnlySpan<float>((float*)queries + (long)i * Dimension, Dimension),
            i, k, lists, new Span<float>((float*)distances + (long)i * k, k), new Span<int>((int*)indices + (long)i * k, k)));
    }

    /// <summary>Fused epilogue: lower and upper bounds for one tile; the k-th upper bound tightens, lower bounds below it are kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CollectProjected(float* tile, int rows, int query0, int bank0, ProjectedBank.QueryBounds[] bounds,
        float* bn, float* tl, float* th, float invMax, float invMin, BoundedCandidates[] lists)
    {
        int nr = MicroKernel.Nr;
        Vector256<float> minusTwo = Vector256.Create(-2f), inverseMax = Vector256.Create(invMax), inverseMin = Vector256.Create(invMin);
        for (int i = 0; i < rows; i++)
        {
            BoundedCandidates list = lists[query0 + i];
            ref readonly var q = ref bounds[query0 + i];
            float* dots = tile + i * nr;
            Vector256<float> qn = Vector256.Create(q.HeadNorm), lowC = Vector256.Create(q.LowerConstant), upC = Vector256.Create(q.UpperConstant);
            Vector256<float> qLow = Vector256.Create(q.TailLow), qHigh = Vector256.Create(q.TailHigh);
            for (int j = 0; j < nr; j += 8)
            {
                Vector256<float> head = Vector256.FusedMultiplyAdd(Vector256.Load(dots + j), minusTwo, qn + Vector256.Load(bn + bank0 + j));
                Vector256<float> bLow = Vector256.Load(tl + bank0 + j), bHigh = Vector256.Load(th + bank0 + j);
                Vector256<float> tails = qHigh + bHigh;
                Vector256<float> upper = Vector256.FusedMultiplyAdd(tails, tails, Vector256.FusedMultiplyAdd(head, inverseMin, upC));
                Vector256<float> gap = Vector256.Max(Vector256.Max(qLow - bHigh, bLow - qHigh), Vector256<float>.Zero);
                Vector256<float> lower = Vector256.FusedMultiplyAdd(gap, gap, Vector256.FusedMultiplyAdd(head, inverseMax, lowC));

                uint tighter = Vector256.LessThan(upper, Vector256.Create(list.Threshold)).ExtractMostSignificantBits();
                while (tighter != 0)
                {
                    int lane = System.Numerics.BitOperations.TrailingZeroCount(tighter);
                    tighter &= tighter - 1;
                    float u = upper.GetElement(lane);
                    if (u < list.Threshold) list.OfferUpper(u);
                }
                uint hits = Vector256.LessThanOrEqual(lower, Vector256.Create(list.Threshold)).ExtractMostSignificantBits();
                while (hits != 0)
                {
                    int lane = System.Numerics.BitOperations.TrailingZeroCount(hits);
                    hits &= hits - 1;
                    float v = lower.GetElement(lane);
                    if (v <= list.Threshold) list.Add(v, bank0 + j + lane);
                }
            }
        }
    }

    /// <summary>
    /// Exact re-ranking of one query's candidates: the few with the smallest lower bounds first (their exact
    /// distances set the k-th best), then every other candidate whose lower bound does not exceed the k-th best.
    /// </summary>
    private void RerankBounded(ReadOnlySpan<float> query, int qi, int k, BoundedCandidates[][] lists, Span<float> outD, Span<int> outI)
    {
        float threshold = float.PositiveInfinity;
        foreach (BoundedCandidates[] split in lists) threshold = Math.Min(threshold, split[qi].Threshold);

        // Seeds: the (k + 2) smallest lower bounds, by insertion (lists hold a few hundred rows).
        int seeds = k + 2;
        Span<float> seedLower = stackalloc float[seeds];
        Span<int> seedIndex = stackalloc int[seeds];
        int seedCount = 0;
        foreach (BoundedCandidates[] split in lists)
        {
            BoundedCandidates c = split[qi];
            for (int j = 0; j < c.Count; j++)
            {
                float lower = c.Lower[j];
                if (lower > threshold || (seedCount == seeds && lower >= seedLower[seeds - 1])) continue;
                int at = seedCount < seeds ? seedCount++ : seeds - 1;
                while (at > 0 && seedLower[at - 1] > lower) { seedLower[at] = seedLower[at - 1]; seedIndex[at] = seedIndex[at - 1]; at--; }
                seedLower[at] = lower;
                seedIndex[at] = c.Indices[j];
            }
        }

        var best = new TopK(k, stackalloc double[k], stackalloc int[k]);
        int dim = Dimension;
        for (int s = 0; s < seedCount; s++) best.Offer(ExactDistance.Squared(query, _bank.AsSpan(seedIndex[s] * dim, dim)), seedIndex[s]);
        foreach (BoundedCandidates[] split in lists)
        {
            BoundedCandidates c = split[qi];
            for (int j = 0; j < c.Count; j++)
            {
                int b = c.Indices[j];
                // The lower bound is below the exact value by more than the double re-ranking's rounding; the factor keeps it so.
                if (c.Lower[j] > threshold || c.Lower[j] > best.Kth * (1 + 1e-9) || seedIndex[..seedCount].Contains(b)) continue;
                best.Offer(ExactDistance.Squared(query, _bank.AsSpan(b * dim, dim)), b);
            }
        }
        for (int j = 0; j < k; j++)
        {
            outD[j] = (float)Math.Sqrt(best.Distances[j]);
            outI[j] = best.Indices[j];
        }
    }

    /// <summary>The k smallest (squared distance, index) pairs seen, ascending, ties by lower index.</summary>
    private ref struct TopK(int k, Span<double> distances, Span<int> indices)
    {
        public readonly Span<double> Distances = distances;
        public readonly Span<int> Indices = indices;
        private int _count;

        /// <summary>The k-th smallest so far (+∞ until k were offered).</summary>
        public readonly double Kth => _count < k ? double.PositiveInfinity : Distances[k - 1];

        public void Offer(double d2, int index)
        {
            if (_count == k && !Before(d2, index, Distances[k - 1], Indices[k - 1])) return;
            int at = _count < k ? _count++ : k - 1;
            while (at > 0 && Before(d2, index, Distances[at - 1], Indices[at - 1]))
            {
                Distances[at] = Distances[at - 1];
                Indices[at] = Indices[at - 1];
                at--;
            }
            Distances[at] = d2;
            Indices[at] = index;
        }

        private static bool Before(double d2, int index, double otherD2, int otherIndex) => d2 < otherD2 || (d2 == otherD2 && index < otherIndex);
    }
}
