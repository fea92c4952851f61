using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Inspecta.Detectors;

namespace Inspecta.Search;

/// <summary>
/// Approximate greedy k-center (coreset) selection as in PatchCore's ApproximateGreedyCoresetSampler.
/// </summary>
/// <remarks>
/// <para>Semantics of the reference: features are reduced by a random linear projection (here Gaussian,
/// seeded) to <c>projectionDim</c> dimensions; <c>startPoints</c> random rows are drawn and every row's
/// initial score is its mean distance to them (the start points themselves are <em>not</em> part of the
/// result); then <c>targetCount</c> times the row with the largest score is selected (ties: lowest index)
/// and every score becomes min(score, distance to the selected row). Memory stays O(N): no distance matrix.</para>
/// <para>Speed: the min-update is pruned by the triangle inequality. Every row remembers the selected
/// center that gave its score; when center s is at distance D from the new center and every member of s
/// has score ≤ D/2 (with a rounding margin), no member can improve, so the cluster is skipped. Pruning
/// never changes a score, so the selection is identical to the unpruned algorithm.</para>
/// </remarks>
public static unsafe class GreedyCoreset
{
    /// <summary>Margin on the triangle-inequality test that covers the float rounding of all distances.</summary>
    private const float PruneMargin = 1.0002f;

    /// <summary>Returns <paramref name="targetCount"/> selected row indices, in selection order.</summary>
    /// <param name="features">Row-major count×dim.</param>
    public static int[] Select(ReadOnlySpan<float> features, int count, int dim, int targetCount, int seed,
        int projectionDim = 128, int startPoints = 10, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetCount, count);
        ArgumentOutOfRangeException.ThrowIfLessThan(projectionDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(startPoints, 1);
        if (features.Length < (long)count * dim) throw new ArgumentException($"features hold {features.Length} floats, need {(long)count * dim}");

        var rng = new Random(seed);
        progress?.Report(new ProgressUpdate("coreset", 0, targetCount));
        (float[] points, int stride) = Project(features, count, dim, projectionDim, rng);
        ct.ThrowIfCancellationRequested();
        var state = new State(points, count, stride);
        state.Initialise(DrawDistinct(rng, count, Math.Min(startPoints, count)));

        var selected = new int[targetCount];
        int reportEvery = Math.Max(1, targetCount / 100);
        for (int t = 0; t < targetCount; t++)
        {
            if ((t & 63) == 0) ct.ThrowIfCancellationRequested();
            selected[t] = state.SelectNext();
            if (progress is not null && ((t + 1) % reportEvery == 0 || t + 1 == targetCount))
                progress.Report(new ProgressUpdate("coreset", t + 1, targetCount));
        }
        return selected;
    }

    /// <summary>
    /// Projected rows, zero-padded to a multiple of 16 floats (padding leaves distances unchanged).
    /// Rows with dim ≤ projectionDim are used as they are, as in the reference.
    /// </summary>
    internal static (float[] Points, int Stride) Project(ReadOnlySpan<float> features, int count, int dim, int projectionDim, Random rng)
    {
        int outDim = Math.Min(dim, projectionDim);
        int stride = (outDim + 15) & ~15;
        var points = new float[(long)count * stride];
        if (dim <= projectionDim)
        {
            for (int i = 0; i < count; i++) features.Slice(i * dim, dim).CopyTo(points.AsSpan(i * stride));
            return (points, stride);
        }
        // Gaussian matrix scaled by 1/sqrt(outDim): distances are preserved in expectation (Johnson–Lindenstrauss).
        var projection = new float[stride * dim];   // padding rows stay zero
        float scale = 1f / MathF.Sqrt(outDim);
        for (int i = 0; i < outDim * dim; i++) projection[i] = (float)NextGaussian(rng) * scale;
        Sgemm.MultiplyTransposed(features[..(count * dim)], count, projection, stride, dim, points);
        return (points, stride);
    }

    private static double NextGaussian(Random rng)
    {
        // Box–Muller; 1 − u keeps the logarithm finite.
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    internal static int[] DrawDistinct(Random rng, int count, int n)
    {
        var picked = new int[n];
        var seen = new HashSet<int>();
        for (int i = 0; i < n; i++)
        {
            int v;
            do v = rng.Next(count); while (!seen.Add(v));
            picked[i] = v;
        }
        return picked;
    }

    /// <summary>Euclidean distance between two padded rows; fixed 16-lane order so results never depend on the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Distance(float* x, float* y, int stride)
    {
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
        for (int i = 0; i < stride; i += 16)
        {
            Vector256<float> d0 = Vector256.Load(x + i) - Vector256.Load(y + i);
            Vector256<float> d1 = Vector256.Load(x + i + 8) - Vector256.Load(y + i + 8);
            acc0 += d0 * d0;
            acc1 += d1 * d1;
        }
        return MathF.Sqrt(Vector256.Sum(acc0 + acc1));
    }

    /// <summary>Scores, cluster membership and per-cluster maxima of the running selection.</summary>
    private sealed class State
    {
        private const int Unassigned = -1;
        private readonly float[] _points;
        private readonly int _count, _stride;
        private readonly float[] _score;
        private readonly List<int> _centers = [];          // row index of each center
        private readonly List<int[]> _members = [];         // members of each center (first _memberCount[c] valid)
        private readonly List<int> _memberCount = [];
        private readonly List<float> _clusterMax = [];      // exact max score in each cluster
        private readonly List<int> _clusterArgMax = [];     // lowest row index holding that max
        private int[] _pool;                                 // rows whose score is still the start-point mean
        private int _poolCount;
        private float[] _centerDistance = new float[64];
        private readonly List<int> _toScan = [];
        private readonly int[] _moved;
        private int _movedCount;

        public State(float[] points, int count, int stride)
        {
            _points = points;
            _count = count;
            _stride = stride;
            _score = new float[count];
            _pool = new int[count];
            _moved = new int[count];
        }

        public void Initialise(int[] starts)
        {
            fixed (float* p = _points)
            {
                float* pts = p;
                int stride = _stride;
                Parallel.For(0, _count, ExactNearestNeighbours.ParallelOptions, () => 0, (i, _, __) =>
                {
                    float sum = 0;
                    foreach (int s in starts) sum += Distance(pts + (long)i * stride, pts + (long)s * stride, stride);
                    _score[i] = sum / starts.Length;
                    return 0;
                }, _ => { });
            }
            for (int i = 0; i < _count; i++) _pool[i] = i;
            _poolCount = _count;
        }

        public int SelectNext()
        {
            int chosen = ArgMax();
            int c = _centers.Count;
            _centers.Add(chosen);
            if (_centerDistance.Length < _centers.Count) Array.Resize(ref _centerDistance, _centers.Count * 2);

            fixed (float* p = _points)
            {
                float* pts = p;
                float* center = pts + (long)chosen * _stride;
                // Which existing clusters could contain a row closer to the new center than to its own?
                _toScan.Clear();
                for (int s = 0; s < c; s++)
                {
                    float d = Distance(pts + (long)_centers[s] * _stride, center, _stride);
                    if (d < 2f * _clusterMax[s] * PruneMargin) _toScan.Add(s);
                }
                _movedCount = 0;
                foreach (int s in _toScan) ScanCluster(s, pts, center);
                ScanPool(pts, center);
            }

            var members = new int[Math.Max(4, _movedCount)];
            Array.Copy(_moved, members, _movedCount);
            _members.Add(members);
            _memberCount.Add(_movedCount);
            (float max, int arg) = MaxOf(members.AsSpan(0, _movedCount));
            _clusterMax.Add(max);
            _clusterArgMax.Add(arg);
            return chosen;
        }

        private void ScanCluster(int s, float* pts, float* center)
        {
            int[] members = _members[s];
            int n = _memberCount[s], kept = 0;
            float max = float.NegativeInfinity;
            int arg = int.MaxValue;
            for (int m = 0; m < n; m++)
            {
                int i = members[m];
                float d = Distance(pts + (long)i * _stride, center, _stride);
                if (d < _score[i])
                {
                    _score[i] = d;
                    _moved[_movedCount++] = i;
                    continue;
                }
                members[kept++] = i;
                float v = _score[i];
                if (v > max || (v == max && i < arg)) { max = v; arg = i; }
            }
            _memberCount[s] = kept;
            _clusterMax[s] = max;
            _clusterArgMax[s] = arg;
        }

        private void ScanPool(float* pts, float* center)
        {
            int kept = 0;
            for (int m = 0; m < _poolCount; m++)
            {
                int i = _pool[m];
                float d = Distance(pts + (long)i * _stride, center, _stride);
                if (d < _score[i])
                {
                    _score[i] = d;
                    _moved[_movedCount++] = i;
                }
                else _pool[kept++] = i;
            }
            _poolCount = kept;
        }

        private (float Max, int Arg) MaxOf(ReadOnlySpan<int> rows)
        {
            float max = float.NegativeInfinity;
            int arg = int.MaxValue;
            foreach (int i in rows)
            {
                float v = _score[i];
                if (v > max || (v == max && i < arg)) { max = v; arg = i; }
            }
            return (max, arg);
        }

        /// <summary>Row with the largest score, lowest index on ties.</summary>
        private int ArgMax()
        {
            (float max, int arg) = MaxOf(_pool.AsSpan(0, _poolCount));
            for (int s = 0; s < _clusterMax.Count; s++)
            {
                float v = _clusterMax[s];
                if (v > max || (v == max && _clusterArgMax[s] < arg)) { max = v; arg = _clusterArgMax[s]; }
            }
            return arg;
        }
    }
}
