using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Inspecta.Detectors;

namespace Inspecta.Search;

/// <summary>
/// Approximate greedy k-center (coreset) selection with the semantics of PatchCore's
/// ApproximateGreedyCoresetSampler.
/// </summary>
/// <remarks>
/// <para>Reference semantics: rows are reduced by a random linear projection (here Gaussian, seeded) to
/// <c>projectionDim</c> dimensions (rows that are not longer are used as they are); <c>startPoints</c> random
/// rows are drawn and every row's initial score is its mean distance to them (the start points are
/// <em>not</em> part of the result); then <c>targetCount</c> times the row with the largest score is selected
/// (ties: lowest index) and every score becomes min(score, distance to the selected row).</para>
/// <para>Exact integer distances: the projected rows are centred and quantised to integers of at most
/// ±<c>R</c> with R chosen so that every squared distance and dot product stays below 2²⁴. All arithmetic on
/// them is then exact in fp32 whatever the summation order, so blocked, vectorised and scalar code paths give
/// bit-identical scores (quantisation error is far below the projection's own distortion).</para>
/// <para>Speed without changing the result (memory stays O(N), never an N×N matrix): scores only decrease, so
/// a "hot set" of the M highest-scoring rows is kept; while the best hot score is strictly above the
/// (M+1)-th largest score at the epoch start, the argmax must be a hot row, and only hot rows are updated
/// per selection. At the end of an epoch all rows catch up with the epoch's centers in one blocked pass on
/// the GEMM <see cref="MicroKernel"/> (compute-bound instead of one memory-bound sweep per selection).</para>
/// </remarks>
public static unsafe class GreedyCoreset
{
    /// <summary>Default number of hot rows (M): 8192 × 128 floats = 4 MB, cache-resident.</summary>
    internal const int DefaultHotRows = 8192;

    /// <summary>Returns <paramref name="targetCount"/> selected row indices, in selection order.</summary>
    /// <param name="features">Row-major count×dim.</param>
    public static int[] Select(ReadOnlySpan<float> features, int count, int dim, int targetCount, int seed,
        int projectionDim = 128, int startPoints = 10, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default) =>
        Select(features, count, dim, targetCount, seed, projectionDim, startPoints, DefaultHotRows, progress, ct);

    internal static int[] Select(ReadOnlySpan<float> features, int count, int dim, int targetCount, int seed,
        int projectionDim, int startPoints, int hotRows, IProgress<ProgressUpdate>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetCount, count);
        ArgumentOutOfRangeException.ThrowIfLessThan(projectionDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(startPoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hotRows, 1);
        if (features.Length < (long)count * dim) throw new ArgumentException($"features hold {features.Length} floats, need {(long)count * dim}");
        if (!ExactNearestNeighbours.IsAllFinite(features[..(count * dim)])) throw new ArgumentException("features contain NaN or infinity");

        var rng = new Random(seed);
        progress?.Report(new ProgressUpdate("coreset", 0, targetCount));
        QuantizedRows rows = Prepare(features, count, dim, projectionDim, rng);
        ct.ThrowIfCancellationRequested();
        int[] starts = DrawDistinct(rng, count, Math.Min(startPoints, count));
        float[] scores = InitialScores(rows, starts);
        return new Selection(rows, scores, hotRows, targetCount, progress, ct).Run();
    }

    /// <summary>Projected, centred rows quantised to exact small integers (stored as floats).</summary>
    internal sealed class QuantizedRows
    {
        public required int Count { get; init; }
        /// <summary>Projected dimension.</summary>
        public required int Dim { get; init; }
        /// <summary>Row-major Count×Dim, integer values.</summary>
        public required float[] Values { get; init; }
        /// <summary>Exact squared norm of each row.</summary>
        public required float[] Norms { get; init; }

        public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Dim, Dim);
    }

    internal static QuantizedRows Prepare(ReadOnlySpan<float> features, int count, int dim, int projectionDim, Random rng)
    {
        int outDim = Math.Min(dim, projectionDim);
        var projected = new float[(long)count * outDim];
        if (dim <= projectionDim)
            features[..(count * dim)].CopyTo(projected);
        else
        {
            // Gaussian matrix: distances are preserved in expectation (Johnson–Lindenstrauss); scale is irrelevant here.
            var projection = new float[outDim * dim];
            for (int i = 0; i < projection.Length; i++) projection[i] = (float)NextGaussian(rng);
            Sgemm.MultiplyTransposed(features[..(count * dim)], count, projection, outDim, dim, projected);
        }

        // Centre (distances are translation invariant) and quantise to |v| ≤ R with D·R² ≤ 2²², so that
        // ‖x‖² + ‖c‖² + 2|x·c| < 2²⁴: every sum of products is an exactly representable integer.
        int chunks = (count + 4095) / 4096;
        var partialSums = new double[chunks][];
        Parallel.For(0, chunks, ExactNearestNeighbours.ParallelOptions, c =>
        {
            var sum = new double[outDim];
            for (int i = c * 4096, end = Math.Min(count, i + 4096); i < end; i++)
                for (int d = 0; d < outDim; d++) sum[d] += projected[(long)i * outDim + d];
            partialSums[c] = sum;
        });
        var mean = new double[outDim];
        foreach (double[] sum in partialSums)   // fixed order: deterministic
            for (int d = 0; d < outDim; d++) mean[d] += sum[d];
        for (int d = 0; d < outDim; d++) mean[d] /= count;
        var partialMax = new double[chunks];
        Parallel.For(0, chunks, ExactNearestNeighbours.ParallelOptions, c =>
        {
            double max = 0;
            for (int i = c * 4096, end = Math.Min(count, i + 4096); i < end; i++)
                for (int d = 0; d < outDim; d++) max = Math.Max(max, Math.Abs(projected[(long)i * outDim + d] - mean[d]));
            partialMax[c] = max;
        });
        double maxAbs = partialMax.Max();
        // R ≤ 127 keeps the values in int8 range; D·R² ≤ 2²² keeps every sum exact in fp32.
        int range = Math.Min(127, (int)Math.Floor(Math.Sqrt((double)(1 << 22) / outDim)));
        double scale = maxAbs > 0 ? range / maxAbs : 1.0;

        var norms = new float[count];
        Parallel.For(0, chunks, ExactNearestNeighbours.ParallelOptions, c =>
        {
            for (int i = c * 4096, end = Math.Min(count, i + 4096); i < end; i++)
            {
                long norm = 0;
                for (int d = 0; d < outDim; d++)
                {
                    long idx = (long)i * outDim + d;
                    double q = Math.Clamp(Math.Round((projected[idx] - mean[d]) * scale), -range, range);
                    projected[idx] = (float)q;
                    norm += (long)(q * q);
                }
                norms[i] = norm;
            }
        });
        return new QuantizedRows { Count = count, Dim = outDim, Values = projected, Norms = norms };
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

    /// <summary>Exact integer dot product of two quantised rows (any summation order gives the same value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(float* x, float* y, int dim)
    {
        int i = 0;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
        for (; i + 16 <= dim; i += 16)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), Vector256.Load(y + i), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i + 8), Vector256.Load(y + i + 8), acc1);
        }
        float s = Vector256.Sum(acc0 + acc1);
        for (; i < dim; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>Distance from exact integer terms: ‖x‖² + ‖c‖² − 2x·c is exact, so is its square root's input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Distance(float normX, float normC, float dot) => MathF.Sqrt(MathF.Max(0f, normX + normC - 2f * dot));

    private static float[] InitialScores(QuantizedRows rows, int[] starts)
    {
        var scores = new float[rows.Count];
        int dim = rows.Dim;
        fixed (float* v = rows.Values)
        {
            float* values = v;
            Parallel.For(0, (rows.Count + 1023) / 1024, ExactNearestNeighbours.ParallelOptions, chunk =>
            {
                int end = Math.Min(rows.Count, (chunk + 1) * 1024);
                for (int i = chunk * 1024; i < end; i++)
                {
                    float sum = 0;
                    foreach (int s in starts)
                        sum += Distance(rows.Norms[i], rows.Norms[s], Dot(values + (long)i * dim, values + (long)s * dim, dim));
                    scores[i] = sum / starts.Length;
                }
            });
        }
        return scores;
    }

    /// <summary>The selection loop: epochs of hot-set selections followed by a blocked catch-up of all rows.</summary>
    private sealed class Selection(QuantizedRows rows, float[] scores, int hotRows, int target,
        IProgress<ProgressUpdate>? progress, CancellationToken ct)
    {
        private readonly int[] _selected = new int[target];
        private int _done;
        private readonly int _reportEvery = Math.Max(1, target / 100);
        private int[] _hot = [];
        private float[] _hotValues = [];
        private float[] _hotScores = [];
        private float[] _hotNorms = [];
        private float[]? _packedRows;   // rows in MicroKernel A panels, built on the first catch-up

        public int[] Run()
        {
            int m = Math.Min(hotRows, rows.Count);
            bool allHot = m == rows.Count;
            if (allHot) BuildHotSet(float.NegativeInfinity);
            while (_done < target)
            {
                float threshold = float.NegativeInfinity;
                if (!allHot)
                {
                    threshold = LargestExcluding(scores, m);
                    BuildHotSet(threshold);
                }
                int epochStart = _done;
                RunEpoch(threshold);
                if (_done == epochStart) SelectByFullScan();
                if (!allHot)
                {
                    for (int h = 0; h < _hot.Length; h++) scores[_hot[h]] = _hotScores[h];
                    CatchUp(_selected.AsSpan(epochStart, _done - epochStart));
                }
            }
            return _selected;
        }

        /// <summary>The (m+1)-th largest score: rows strictly above it are at most m.</summary>
        private static float LargestExcluding(float[] values, int m)
        {
            float[] copy = (float[])values.Clone();
            int kth = values.Length - 1 - m;   // ascending position of the (m+1)-th largest
            return QuickSelect(copy, kth);
        }

        private static float QuickSelect(float[] a, int k)
        {
            int lo = 0, hi = a.Length - 1;
            var rng = new Random(a.Length);
            while (lo < hi)
            {
                float pivot = a[lo + rng.Next(hi - lo + 1)];
                int i = lo, j = hi;
                while (i <= j)
                {
                    while (a[i] < pivot) i++;
                    while (a[j] > pivot) j--;
                    if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
                }
                if (k <= j) hi = j;
                else if (k >= i) lo = i;
                else return a[k];
            }
            return a[k];
        }

        private void BuildHotSet(float threshold)
        {
            int n = 0;
            for (int i = 0; i < scores.Length; i++) if (scores[i] > threshold) n++;
            int dim = rows.Dim;
            if (_hot.Length != n)
            {
                _hot = new int[n];
                _hotScores = new float[n];
                _hotNorms = new float[n];
                _hotValues = new float[(long)n * dim];
            }
            int h = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                if (!(scores[i] > threshold)) continue;
                _hot[h] = i;
                _hotScores[h] = scores[i];
                _hotNorms[h] = rows.Norms[i];
                rows.Row(i).CopyTo(_hotValues.AsSpan(h * dim, dim));
                h++;
            }
        }

        /// <summary>Selections while the best hot score is strictly above every non-hot score.</summary>
        private void RunEpoch(float threshold)
        {
            if (_hot.Length == 0) return;
            (float best, int bestH) = HotArgMax();
            int dim = rows.Dim;
            fixed (float* hv = _hotValues)
            fixed (float* all = rows.Values)
            {
                while (_done < target && best > threshold)
                {
                    if ((_done & 63) == 0) ct.ThrowIfCancellationRequested();
                    int chosen = _hot[bestH];
                    Record(chosen);
                    float* c = all + (long)chosen * dim;
                    float nc = rows.Norms[chosen];
                    (best, bestH) = UpdateHot(hv, c, nc, dim);
                }
            }
        }

        /// <summary>
        /// min-updates every hot score with the new center and returns the next argmax (lowest index on ties:
        /// hot rows are in index order, and chunk results are combined in order).
        /// </summary>
        private (float Best, int BestH) UpdateHot(float* hv, float* c, float nc, int dim)
        {
            int n = _hot.Length;
            int chunks = n >= 4096 ? Environment.ProcessorCount : 1;
            if (chunks == 1) return UpdateHotRange(hv, c, nc, dim, 0, n);
            var results = new (float, int)[chunks];
            nint hvp = (nint)hv, cp = (nint)c;
            Parallel.For(0, chunks, ExactNearestNeighbours.ParallelOptions, k =>
                results[k] = UpdateHotRange((float*)hvp, (float*)cp, nc, dim, (int)((long)n * k / chunks), (int)((long)n * (k + 1) / chunks)));
            (float best, int bestH) = results[0];
            for (int k = 1; k < chunks; k++) if (results[k].Item1 > best) (best, bestH) = results[k];
            return (best, bestH);
        }

        private (float, int) UpdateHotRange(float* hv, float* c, float nc, int dim, int begin, int end)
        {
            float best = float.NegativeInfinity;
            int bestH = -1;
            for (int h = begin; h < end; h++)
            {
                float d = Distance(_hotNorms[h], nc, Dot(hv + (long)h * dim, c, dim));
                float s = MathF.Min(_hotScores[h], d);
                _hotScores[h] = s;
                if (s > best) { best = s; bestH = h; }
            }
            return (best, bestH);
        }

        private (float, int) HotArgMax()
        {
            float best = float.NegativeInfinity;
            int arg = 0;
            for (int h = 0; h < _hotScores.Length; h++)
                if (_hotScores[h] > best) { best = _hotScores[h]; arg = h; }
            return (best, arg);
        }

        /// <summary>
        /// When more than M rows tie at the top no hot set exists: the plain step of the reference
        /// (argmax over all rows, which are all current at an epoch start).
        /// </summary>
        private void SelectByFullScan()
        {
            int arg = 0;
            for (int i = 1; i < scores.Length; i++) if (scores[i] > scores[arg]) arg = i;
            Record(arg);
        }

        private void Record(int chosen)
        {
            _selected[_done++] = chosen;
            if (progress is not null && (_done % _reportEvery == 0 || _done == target))
                progress.Report(new ProgressUpdate("coreset", _done, target));
        }

        /// <summary>scores[i] = min(scores[i], distance to each center) for all rows, blocked on the GEMM micro-kernel.</summary>
        private void CatchUp(ReadOnlySpan<int> centers)
        {
            if (centers.Length == 0) return;
            int dim = rows.Dim, mr = MicroKernel.Mr, nr = MicroKernel.Nr;
            int panels = (rows.Count + mr - 1) / mr;
            if (_packedRows is null)
            {
                _packedRows = new float[(long)panels * mr * dim];
                Parallel.For(0, panels, ExactNearestNeighbours.ParallelOptions, p =>
                    MicroKernel.PackA(rows.Values, rows.Count, dim, p * mr, 0, dim, _packedRows.AsSpan(p * mr * dim, mr * dim)));
            }
            int slivers = (centers.Length + nr - 1) / nr;
            var packedCenters = new float[slivers * nr * dim];
            var centerNorms = new float[slivers * nr];
            centerNorms.AsSpan().Fill(float.PositiveInfinity);   // padding never wins the minimum
            var centerValues = new float[centers.Length * dim];
            for (int j = 0; j < centers.Length; j++)
            {
                rows.Row(centers[j]).CopyTo(centerValues.AsSpan(j * dim, dim));
                centerNorms[j] = rows.Norms[centers[j]];
            }
            for (int s = 0; s < slivers; s++)
                MicroKernel.PackB(centerValues, centers.Length, dim, s * nr, 0, dim, packedCenters.AsSpan(s * nr * dim, nr * dim));

            float[] packedRows = _packedRows;
            const int panelsPerTask = 64;
            Parallel.For(0, (panels + panelsPerTask - 1) / panelsPerTask, ExactNearestNeighbours.ParallelOptions, task =>
            {
                float* tile = stackalloc float[mr * nr];
                float* best = stackalloc float[mr];
                int p1 = Math.Min(panels, (task + 1) * panelsPerTask);
                fixed (float* pa = packedRows)
                fixed (float* pb = packedCenters)
                fixed (float* cn = centerNorms)
                {
                    for (int p = task * panelsPerTask; p < p1; p++)
                    {
                        int rowsInPanel = Math.Min(mr, rows.Count - p * mr);
                        for (int i = 0; i < mr; i++) best[i] = float.PositiveInfinity;
                        for (int s = 0; s < slivers; s++)
                        {
                            MicroKernel.Run(pa + (long)p * mr * dim, pb + (long)s * nr * dim, dim, tile, accumulate: false);
                            for (int i = 0; i < rowsInPanel; i++)
                            {
                                float nx = rows.Norms[p * mr + i];
                                Vector256<float> m = Vector256.Create(best[i]);
                                for (int j = 0; j < nr; j += 8)
                                {
                                    // Same exact terms as Distance(): nx + nc − 2·dot, all integers below 2²⁴.
                                    Vector256<float> d2 = Vector256.Create(nx) + Vector256.Load(cn + s * nr + j) - Vector256.Load(tile + i * nr + j) * 2f;
                                    m = Vector256.Min(m, d2);
                                }
                                best[i] = MinLanes(m);
                            }
                        }
                        for (int i = 0; i < rowsInPanel; i++)
                        {
                            int r = p * mr + i;
                            scores[r] = MathF.Min(scores[r], MathF.Sqrt(MathF.Max(0f, best[i])));
                        }
                    }
                }
            });
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float MinLanes(Vector256<float> v)
        {
            Vector128<float> m = Vector128.Min(v.GetLower(), v.GetUpper());
            m = Vector128.Min(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
            m = Vector128.Min(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
            return m.ToScalar();
        }
    }
}
