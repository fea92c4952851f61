using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inspecta.Search;

/// <summary>
/// Exact k-nearest-neighbour search (Euclidean) of query vectors against a fixed memory bank.
/// </summary>
/// <remarks>
/// <para>Candidates come from a GEMM-style pass: d² ≈ ‖q‖² + ‖b‖² − 2 q·b with the bank pre-packed into
/// k-major slivers and a register-blocked FMA micro-kernel (<see cref="MicroKernel"/>); the per-query
/// candidate selection is fused into the kernel's epilogue, so no distance matrix is ever stored.</para>
/// <para>Exactness: the fp32 expansion can reorder near-ties, so the pass keeps every bank row whose
/// approximate value lies within a proven error bound of the current k-th best (<see cref="CandidateList"/>),
/// then re-ranks those with <see cref="ExactDistance.Squared"/>. Results are therefore identical to a brute
/// force scan with <see cref="ExactDistance"/>: sorted by exact squared distance, ties by lower bank index.</para>
/// <para>Thread-safe: <see cref="Search"/> keeps all its state local and runs multithreaded itself.</para>
/// </remarks>
public sealed unsafe partial class ExactNearestNeighbours
{
    /// <summary>Query micro-panels per task: 8 × Mr queries share each bank sliver while it is in cache.</summary>
    private const int PanelsPerBlock = 8;

    private readonly float[] _bank;
    private readonly bool _fixedPoint;     // candidate pass on Int16MicroKernel instead of MicroKernel
    private readonly int _nr;              // bank rows per sliver of the selected kernel
    private readonly float[]? _packed;     // float path: sliver s at [s*dim*Nr], k-major
    private readonly int[]? _packedPairs;  // fixed-point path: sliver s at [s*pairs*Nr], pair-major
    private readonly float[]? _bankScales; // fixed-point path: per row; 0 in padding
    private readonly double _maxResidual;  // fixed-point path: max ‖b′ − s_b·b̂‖
    private readonly int _levels;          // fixed-point path: |quantised value| ≤ this
    private readonly float[] _bankNorms;   // padded to slivers*Nr; NaN in padding so it is never a candidate
    private readonly double _maxBankNorm;  // max squared norm of centred rows
    private readonly float[] _mean;        // bank mean: the expansion runs on centred vectors
    private readonly int _slivers;
    private readonly ProjectedBank? _projected; // pruned pass in the bank's principal subspace (null: full scan)

    /// <summary>Which candidate-pass kernel an index uses; results are identical, only the speed differs.</summary>
    internal enum Kernel { Auto, Float, FixedPoint }

    /// <summary>True when this index runs the 16-bit fixed-point candidate pass.</summary>
    internal bool UsesFixedPoint => _fixedPoint;

    /// <summary>Dimensions of the pruned pass's subspace (0: every search scans the full rows).</summary>
    internal int ProjectedDimensions => _projected?.Basis.Size ?? 0;

    /// <summary>Number of bank vectors.</summary>
    public int Count { get; }

    /// <summary>Dimension of every vector.</summary>
    public int Dimension { get; }

    /// <summary>The bank (row-major Count×Dimension). Not copied: do not modify it while this index is in use.</summary>
    public ReadOnlyMemory<float> Bank => _bank.AsMemory(0, Count * Dimension);

    /// <summary>Builds the index: packs the bank for the kernel and precomputes squared norms.</summary>
    /// <param name="bank">Row-major count×dim, finite values.</param>
    public ExactNearestNeighbours(float[] bank, int count, int dim) : this(bank, count, dim, Kernel.Auto) { }

    /// <summary>As the public constructor, with the candidate-pass kernel chosen (tests compare both).</summary>
    /// <param name="projection">The pruned pass: null decides by the bank (large banks whose variance concentrates in
    /// at most a third of the dimensions), 0 never, m &gt; 0 always with m dimensions (tests).</param>
    internal ExactNearestNeighbours(float[] bank, int count, int dim, Kernel kernel, int? projection = null)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        if ((long)count * dim > bank.Length) throw new ArgumentException($"bank holds {bank.Length} floats, needs {(long)count * dim}");
        if (!IsAllFinite(bank.AsSpan(0, count * dim))) throw new ArgumentException("memory bank contains NaN or infinity");

        _bank = bank;
        Count = count;
        Dimension = dim;
        if (kernel == Kernel.FixedPoint && !Int16MicroKernel.IsSupported) throw new PlatformNotSupportedException("the fixed-point kernel needs AVX2");
        _fixedPoint = kernel == Kernel.FixedPoint || (kernel == Kernel.Auto && Int16MicroKernel.IsSupported);
        int nr = _nr = _fixedPoint ? Int16MicroKernel.Nr : MicroKernel.Nr;
        _slivers = (count + nr - 1) / nr;
        _bankNorms = new float[_slivers * nr];
        _bankNorms.AsSpan(count).Fill(float.NaN);

        // Centre on the bank mean: distances do not change, but the norms in the fp32 expansion (and with them
        // its rounding error and the candidate window) shrink to the spread of the data.
        _mean = ColumnMean(bank, count, dim);
        double maxNorm = 0, maxResidual = 0;
        object gate = new();
        int pairs = FixedPointPanels.Pairs(dim);
        if (_fixedPoint)
        {
            _levels = Int16MicroKernel.Levels(2 * pairs);
            _packedPairs = new int[(long)_slivers * pairs * nr];
            _bankScales = new float[_slivers * nr];
        }
        else _packed = new float[(long)_slivers * dim * nr];
        Parallel.For(0, _slivers, ParallelOptions, () => (0.0, 0.0), (s, _, local) =>
        {
            Span<double> norms = stackalloc double[nr];
            Span<double> residuals = stackalloc double[nr];
            if (_fixedPoint)
                FixedPointPanels.Pack(bank, count, dim, s * nr, nr, _mean, _levels, _packedPairs.AsSpan(s * pairs * nr, pairs * nr),
                    _bankScales.AsSpan(s * nr, nr), norms, residuals);
            else
                PackCentred(bank, count, dim, s * nr, nr, _mean, _packed.AsSpan(s * dim * nr, dim * nr), norms);
            int end = Math.Min(count, (s + 1) * nr);
            for (int j = s * nr; j < end; j++)
            {
                double n = norms[j - s * nr];
                _bankNorms[j] = (float)n;
                local = (Math.Max(local.Item1, n), Math.Max(local.Item2, residuals[j - s * nr]));
            }
            return local;
        }, local => { lock (gate) { maxNorm = Math.Max(maxNorm, local.Item1); maxResidual = Math.Max(maxResidual, local.Item2); } });
        _maxBankNorm = maxNorm;
        _maxResidual = maxResidual;

        var basis = projection switch
        {
            null when kernel == Kernel.Auto && count >= MinProjectedRows && dim >= 96 => ProjectionBasis.Compute(bank, count, dim, _mean, maxSize: dim / 3),
            > 0 => ProjectionBasis.Compute(bank, count, dim, _mean, maxSize: dim, forcedSize: projection.Value),
            _ => null,
        };
        if (basis is not null) _projected = new ProjectedBank(bank, count, dim, _mean, basis);
    }

    internal static ParallelOptions ParallelOptions { get; } = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>Distance to the nearest bank vector for each query (k = 1).</summary>
    public float[] NearestDistances(ReadOnlySpan<float> queries, int queryCount)
    {
        var d = new float[queryCount];
        var idx = new int[queryCount];
        Search(queries, queryCount, 1, d, idx);
        return d;
    }

    /// <summary>
    /// For each of <paramref name="queryCount"/> queries (row-major queryCount×Dimension) writes the k nearest
    /// bank rows: Euclidean distances ascending into <paramref name="distances"/>[q*k..] and their bank indices
    /// into <paramref name="indices"/>[q*k..]. Equal distances are ordered by lower index.
    /// </summary>
    public void Search(ReadOnlySpan<float> queries, int queryCount, int k, Span<float> distances, Span<int> indices) =>
        Search(queries, queryCount, k, distances, indices, null, null, Count);

    /// <summary>
    /// Like <see cref="Search(ReadOnlySpan{float}, int, int, Span{float}, Span{int})"/>, but only bank rows inside
    /// <paramref name="rowRanges"/> (start, count; non-overlapping) are neighbours. The index is built once for the
    /// whole bank and only the slivers touching the ranges are scanned, so a search restricted to a few bank
    /// blocks (e.g. SPADE's K nearest training images) costs no packing. Results equal a brute-force scan of
    /// exactly those rows.
    /// </summary>
    public void SearchWithin(ReadOnlySpan<float> queries, int queryCount, int k, ReadOnlySpan<(int Start, int Count)> rowRanges,
        Span<float> distances, Span<int> indices)
    {
        int nr = _nr;
        var allowed = new byte[_slivers * nr];
        int allowedRows = 0;
        foreach (var (start, count) in rowRanges)
        {
            if (start < 0 || count < 0 || (long)start + count > Count) throw new ArgumentOutOfRangeException(nameof(rowRanges), $"row range ({start}, {count}) is outside the bank of {Count}");
            var span = allowed.AsSpan(start, count);
            if (span.Contains((byte)1)) throw new ArgumentException("row ranges overlap", nameof(rowRanges));
            span.Fill(1);
            allowedRows += count;
        }
        var slivers = new List<int>();
        for (int sl = 0; sl < _slivers; sl++)
            if (allowed.AsSpan(sl * nr, nr).Contains((byte)1)) slivers.Add(sl);
        Search(queries, queryCount, k, distances, indices, slivers.ToArray(), allowed, allowedRows);
    }

    private void Search(ReadOnlySpan<float> queries, int queryCount, int k, Span<float> distances, Span<int> indices,
        int[]? slivers, byte[]? allowed, int allowedRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (k > allowedRows) throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} exceeds the {allowedRows} searchable bank rows");
        int dim = Dimension;
        if (queries.Length < (long)queryCount * dim) throw new ArgumentException($"queries hold {queries.Length} floats, need {(long)queryCount * dim}");
        if (distances.Length < (long)queryCount * k || indices.Length < (long)queryCount * k)
            throw new ArgumentException("output spans are shorter than queryCount × k");
        if (queryCount == 0) return;
        if (!IsAllFinite(queries[..(queryCount * dim)])) throw new ArgumentException("queries contain NaN or infinity");

        fixed (float* q = queries)
        fixed (float* outD = distances)
        fixed (int* outI = indices)
        {
            if (_projected is not null && slivers is null) RunProjected(_projected, (nint)q, queryCount, k, (nint)outD, (nint)outI);
            else if (_fixedPoint) RunFixedPoint((nint)q, queryCount, k, (nint)outD, (nint)outI, slivers, allowed);
            else Run((nint)q, queryCount, k, (nint)outD, (nint)outI, slivers, allowed);
        }
    }


    /// <summary>Pointers travel as nint into the parallel bodies; the caller keeps them pinned.</summary>
    /// <param name="slivers">Slivers to scan (null: all).</param>
    /// <param name="allowed">Per bank row, 1 if it may be a neighbour (null: all); filters slivers straddling a range end.</param>
    private void Run(nint queries, int queryCount, int k, nint distances, nint indices, int[]? slivers, byte[]? allowed)
    {
        int sliverCount = slivers?.Length ?? _slivers;
        int dim = Dimension, mr = MicroKernel.Mr, nr = MicroKernel.Nr;
        int panels = (queryCount + mr - 1) / mr;
        var packedQ = new float[(long)panels * dim * mr];
        var qNorms = new float[panels * mr];
        var windows = new double[queryCount];
        // Bound on |fp32 expansion − exact| for any bank row, with q', b' the rounded centred vectors:
        // dot product error ≤ γ_dim·‖q'‖‖b'‖ ≤ γ_dim(‖q'‖²+‖b'‖²)/2; the roundings of norms and of the final sum add
        // ≤ 4u(‖q'‖²+‖b'‖²); rounding q − μ and b − μ changes the squared distance by ≤ 4u(‖q'‖²+‖b'‖²) (+ u² terms).
        // Together ≤ (dim + 16)·u·(‖q'‖² + max‖b'‖²); doubled for margin. The window is twice the bound.
        double unitRound = Math.ScaleB(1.0, -24);
        Parallel.For(0, panels, ParallelOptions, p =>
        {
            var q = new ReadOnlySpan<float>((float*)queries, queryCount * dim);
            Span<double> norms = stackalloc double[mr];
            PackCentred(q, queryCount, dim, p * mr, mr, _mean, packedQ.AsSpan(p * dim * mr, dim * mr), norms);
            int end = Math.Min(queryCount, (p + 1) * mr);
            for (int i = p * mr; i < end; i++)
            {
                double n = norms[i - p * mr];
                qNorms[i] = (float)n;
                double bound = 2.0 * (dim + 16) * unitRound * (n + _maxBankNorm) + 1e-30;
                windows[i] = 2.0 * bound;
            }
        });

        ScanTasks(panels, mr, sliverCount, queryCount, k, windows, (sliverBegin, sliverEnd, panelBegin, panelEnd, mine) =>
        {
            float* tile = stackalloc float[mr * nr];
            fixed (float* pq = packedQ)
            fixed (float* pb = _packed)
            fixed (float* bn = _bankNorms)
            fixed (float* qn = qNorms)
            fixed (byte* ok = allowed)
            {
                for (int t = sliverBegin; t < sliverEnd; t++)
                {
                    int s = slivers is null ? t : slivers[t];
                    float* sliver = pb + (long)s * dim * nr;
                    for (int p = panelBegin; p < panelEnd; p++)
                    {
                        MicroKernel.Run(pq + (long)p * dim * mr, sliver, dim, tile, accumulate: false);
                        int rows = Math.Min(mr, queryCount - p * mr);
                        Collect(tile, rows, p * mr, s * nr, qn, bn, ok, mine);
                    }
                }
            }
        }, queries, distances, indices);
    }

    /// <summary>One task's share of a candidate pass: bank slivers [begin, end) against query panels [begin, end).</summary>
    private delegate void ScanBody<TList>(int sliverBegin, int sliverEnd, int panelBegin, int panelEnd, TList[] lists);

    /// <summary>
    /// Runs the candidate pass as query blocks × bank splits tasks (each split has its own candidate lists, so tasks
    /// never share state), then re-ranks every query's candidates exactly.
    /// </summary>
    private void ScanTasks(int panels, int mr, int sliverCount, int queryCount, int k, double[] windows, ScanBody<CandidateList> body,
        nint queries, nint distances, nint indices)
    {
        int cap = Math.Max(64, 2 * k + 32);
        var lists = Scan(panels, mr, sliverCount, queryCount, i => new CandidateList(k, windows[i], cap), body);
        RerankAll(queries, queryCount, k, distances, indices, lists, cap);
    }

    /// <summary>The task split of every candidate pass; returns the candidate lists per bank split and query.</summary>
    private static TList[][] Scan<TList>(int panels, int mr, int sliverCount, int queryCount, Func<int, TList> newList, ScanBody<TList> body)
    {
        int blocks = (panels + PanelsPerBlock - 1) / PanelsPerBlock;
        int splits = BankSplits(blocks, sliverCount);
        var lists = new TList[splits][];
        for (int s = 0; s < splits; s++) lists[s] = new TList[queryCount];
        Parallel.For(0, blocks * splits, ParallelOptions, task =>
        {
            int block = task / splits, split = task % splits;
            int sliverBegin = (int)((long)sliverCount * split / splits), sliverEnd = (int)((long)sliverCount * (split + 1) / splits);
            int panelBegin = block * PanelsPerBlock, panelEnd = Math.Min(panels, panelBegin + PanelsPerBlock);
            TList[] mine = lists[split];
            for (int i = panelBegin * mr, end = Math.Min(queryCount, panelEnd * mr); i < end; i++) mine[i] = newList(i);
            body(sliverBegin, sliverEnd, panelBegin, panelEnd, mine);
        });
        return lists;
    }

    /// <summary>Bank splits per query block: split the bank too when there are few query blocks, so both cores get balanced work.</summary>
    private static int BankSplits(int blocks, int sliverCount)
    {
        int threads = Environment.ProcessorCount;
        int splits = Math.Max(1, (4 * threads + blocks - 1) / blocks);
        while ((blocks * splits) % threads != 0 && splits < 4 * threads) splits++;   // equal-sized tasks, no idle tail
        return Math.Min(splits, sliverCount);
    }

    private void RerankAll(nint queries, int queryCount, int k, nint distances, nint indices, CandidateList[][] lists, int cap)
    {
        int dim = Dimension;
        Parallel.For(0, queryCount, ParallelOptions, () => (new List<(double, int)>(), new float[cap]), (i, _, local) =>
        {
            Rerank(new ReadOnlySpan<float>((float*)queries + (long)i * dim, dim), i, k, lists, local.Item1, ref local.Item2,
                new Span<float>((float*)distances + (long)i * k, k), new Span<int>((int*)indices + (long)i * k, k));
            return local;
        }, _ => { });
    }

    /// <summary>Fused epilogue: turns one tile of dot products into approximate d² and offers the promising ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Collect(float* tile, int rows, int query0, int bank0, float* qn, float* bn, byte* allowed, CandidateList[] lists)
    {
        int nr = MicroKernel.Nr;
        for (int i = 0; i < rows; i++)
        {
            CandidateList list = lists[query0 + i];
            float* dots = tile + i * nr;
            Vector256<float> qv = Vector256.Create(qn[query0 + i]);
            Vector256<float> minusTwo = Vector256.Create(-2f);
            for (int j = 0; j < nr; j += 8)
            {
                Vector256<float> approx = Vector256.FusedMultiplyAdd(Vector256.Load(dots + j), minusTwo, qv + Vector256.Load(bn + bank0 + j));
                Offer(list, approx, bank0 + j, allowed);
            }
        }
    }

    /// <summary>Adds the lanes of <paramref name="approx"/> (bank rows bank0..bank0+7) that pass the list's threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Offer(CandidateList list, Vector256<float> approx, int bank0, byte* allowed)
    {
        uint hits = Vector256.LessThanOrEqual(approx, Vector256.Create(list.Threshold)).ExtractMostSignificantBits();
        while (hits != 0)
        {
            int lane = System.Numerics.BitOperations.TrailingZeroCount(hits);
            hits &= hits - 1;
            float v = approx.GetElement(lane);
            if (v <= list.Threshold && (allowed == null || allowed[bank0 + lane] != 0)) list.Add(v, bank0 + lane);
        }
    }

    private void Rerank(ReadOnlySpan<float> query, int qi, int k, CandidateList[][] lists, List<(double D2, int Index)> exact,
        ref float[] scratch, Span<float> outD, Span<int> outI)
    {
        int total = 0;
        foreach (CandidateList[] split in lists) total += split[qi].Count;
        if (scratch.Length < total) scratch = new float[total];
        int n = 0;
        foreach (CandidateList[] split in lists)
        {
            CandidateList c = split[qi];
            c.Values.AsSpan(0, c.Count).CopyTo(scratch.AsSpan(n));
            n += c.Count;
        }
        // Candidates from different bank splits: only those within the window of the global k-th best survive.
        float threshold = CandidateList.UpperBound(CandidateList.KthSmallest(scratch.AsSpan(0, n), k, ref scratch), lists[0][qi].Window);

        exact.Clear();
        int dim = Dimension;
        foreach (CandidateList[] split in lists)
        {
            CandidateList c = split[qi];
            for (int j = 0; j < c.Count; j++)
            {
                if (c.Values[j] > threshold) continue;
                int b = c.Indices[j];
                exact.Add((ExactDistance.Squared(query, _bank.AsSpan(b * dim, dim)), b));
            }
        }
        exact.Sort();
        for (int j = 0; j < k; j++)
        {
            outD[j] = (float)Math.Sqrt(exact[j].D2);
            outI[j] = exact[j].Index;
        }
    }

    /// <summary>Per-dimension mean (double sums over fixed row chunks, merged in order: deterministic).</summary>
    private static float[] ColumnMean(float[] rows, int count, int dim)
    {
        const int chunk = 1024;
        int chunks = (count + chunk - 1) / chunk;
        var partial = new double[chunks][];
        Parallel.For(0, chunks, ParallelOptions, c =>
        {
            var sum = new double[dim];
            for (int i = c * chunk, end = Math.Min(count, i + chunk); i < end; i++)
            {
                ReadOnlySpan<float> row = rows.AsSpan(i * dim, dim);
                for (int d = 0; d < dim; d++) sum[d] += row[d];
            }
            partial[c] = sum;
        });
        var total = new double[dim];
        foreach (double[] sum in partial)
            for (int d = 0; d < dim; d++) total[d] += sum[d];
        var mean = new float[dim];
        for (int d = 0; d < dim; d++) mean[d] = (float)(total[d] / count);
        return mean;
    }

    /// <summary>
    /// Packs rows [row0, row0+width) minus <paramref name="mean"/> k-major (dst[k*width + j]), zero padded, and
    /// returns the squared norms of the packed (rounded) centred rows.
    /// </summary>
    internal static void PackCentred(ReadOnlySpan<float> src, int rows, int dim, int row0, int width, ReadOnlySpan<float> mean,
        Span<float> dst, Span<double> norms)
    {
        int valid = Math.Min(width, rows - row0);
        if (valid < width) dst[..(dim * width)].Clear();
        norms.Clear();
        for (int j = 0; j < valid; j++)
        {
            ReadOnlySpan<float> row = src.Slice((row0 + j) * dim, dim);
            double n = 0;
            for (int k = 0; k < dim; k++)
            {
                float v = row[k] - mean[k];
                dst[k * width + j] = v;
                n += (double)v * v;
            }
            norms[j] = n;
        }
    }

    internal static bool IsAllFinite(ReadOnlySpan<float> values)
    {
        // v − v is 0 for finite v and NaN for NaN/±∞; NaN ≠ NaN, so an equality test catches both.
        int i = 0;
        Vector256<float> bad = Vector256<float>.Zero;
        ref float r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
        for (; i + 8 <= values.Length; i += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref r, (nuint)i);
            bad |= ~Vector256.Equals(v - v, Vector256<float>.Zero);
        }
        if (bad != Vector256<float>.Zero) return false;
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return false;
        return true;
    }
}
