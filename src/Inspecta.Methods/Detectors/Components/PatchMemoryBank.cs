using System.Numerics.Tensors;
using Inspecta.Persistence;
using Inspecta.Search;

namespace Inspecta.Detectors.Components;

/// <summary>
/// PatchCore's memory bank, independent of where the patch features come from (CNN maps, point-cloud
/// descriptors, …): greedy k-center coreset of the good patches, exact L2 nearest-neighbour patch scores,
/// and the paper's re-weighted image score. Immutable after <see cref="Build"/>/<see cref="Load"/>;
/// scoring is thread-safe.
/// </summary>
public sealed class PatchMemoryBank
{
    private readonly float[] _bank;
    private readonly ExactNearestNeighbours _search;

    /// <summary>Number of patches kept in the (coreset) bank.</summary>
    public int Count { get; }
    /// <summary>Feature length of one patch.</summary>
    public int Dimension { get; }
    /// <summary>Patches before coreset reduction (0 for banks loaded from files written without it).</summary>
    public int FullCount { get; }
    /// <summary>Seconds spent in coreset selection by <see cref="Build"/> (0 after loading).</summary>
    public double CoresetSeconds { get; private init; }
    /// <summary>Dimensions of the search's pruned pass (0: full scans; see <see cref="ExactNearestNeighbours"/>).</summary>
    internal int ProjectedDimensions => _search.ProjectedDimensions;
    /// <summary>The kept patches, row-major Count×Dimension.</summary>
    public ReadOnlySpan<float> Features => _bank.AsSpan(0, Count * Dimension);

    private PatchMemoryBank(float[] bank, int count, int dim, int fullCount)
    {
        _bank = bank; Count = count; Dimension = dim; FullCount = fullCount;
        _search = new ExactNearestNeighbours(bank, count, dim);
    }

    /// <summary>Wraps an already reduced bank (row-major count×dim; the array is kept, not copied).</summary>
    public static PatchMemoryBank FromRows(float[] rows, int count, int dim, int fullCount = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        if (rows.Length < (long)count * dim) throw new ArgumentException($"rows hold {rows.Length} floats, need {(long)count * dim}");
        return new PatchMemoryBank(rows, count, dim, fullCount);
    }

    /// <summary>
    /// Keeps round(count × <paramref name="coresetRatio"/>) patches (at least one) chosen by the greedy
    /// k-center coreset; with a ratio that keeps everything the feature array itself becomes the bank.
    /// </summary>
    /// <param name="features">Row-major count×dim good-patch features.</param>
    public static PatchMemoryBank Build(float[] features, int count, int dim, double coresetRatio, int seed,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (coresetRatio is <= 0 or > 1 || double.IsNaN(coresetRatio))
            throw new ArgumentOutOfRangeException(nameof(coresetRatio), coresetRatio, "the coreset ratio must be in (0, 1]");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int target = Math.Max(1, (int)Math.Round(count * coresetRatio));
        if (target >= count) return FromRows(features, count, dim, count);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int[] picked = GreedyCoreset.Select(features, count, dim, target, seed, progress: progress, ct: ct);
        double seconds = sw.Elapsed.TotalSeconds;
        var bank = new float[picked.Length * dim];
        for (int i = 0; i < picked.Length; i++) features.AsSpan(picked[i] * dim, dim).CopyTo(bank.AsSpan(i * dim));
        return new PatchMemoryBank(bank, picked.Length, dim, count) { CoresetSeconds = seconds };
    }

    /// <summary>Distance of each of <paramref name="n"/> query patches (row-major n×Dimension) to its nearest bank patch.</summary>
    public float[] PatchScores(ReadOnlySpan<float> queries, int n) => PatchScores(queries, n, out _);

    /// <summary>As <see cref="PatchScores(ReadOnlySpan{float}, int)"/>, also returning each query's nearest bank index.</summary>
    public float[] PatchScores(ReadOnlySpan<float> queries, int n, out int[] nearest)
    {
        var dist = new float[n];
        nearest = new int[n];
        _search.Search(queries, n, 1, dist, nearest);
        return dist;
    }

    /// <summary>
    /// The maximum patch score, re-weighted as in the paper (Eq. 7): w = 1 − softmax over the distances
    /// from the test patch to the nearest bank patch m* and m*'s other bank neighbours, taken at m*.
    /// A test patch far from a dense bank region is trusted more than one next to a lone outlier.
    /// The nearest bank patch of the worst query is searched again; pass the indices from
    /// <see cref="PatchScores(ReadOnlySpan{float}, int, out int[])"/> to skip that.
    /// </summary>
    public float ImageScore(ReadOnlySpan<float> queries, int n, float[] patchScores, int numNeighbours)
    {
        ArgumentNullException.ThrowIfNull(patchScores);
        if (patchScores.Length < n || n < 1) throw new ArgumentException("patchScores must hold one score per query (n ≥ 1)");
        int worst = TensorPrimitives.IndexOfMax<float>(patchScores.AsSpan(0, n));
        Span<float> d1 = stackalloc float[1];
        Span<int> i1 = stackalloc int[1];
        _search.Search(queries.Slice(worst * Dimension, Dimension), 1, 1, d1, i1);
        return Reweighted(queries, worst, patchScores[worst], i1[0], numNeighbours);
    }

    /// <inheritdoc cref="ImageScore(ReadOnlySpan{float}, int, float[], int)"/>
    public float ImageScore(ReadOnlySpan<float> queries, int n, float[] patchScores, int[] nearest, int numNeighbours)
    {
        ArgumentNullException.ThrowIfNull(patchScores);
        ArgumentNullException.ThrowIfNull(nearest);
        if (patchScores.Length < n || nearest.Length < n || n < 1) throw new ArgumentException("patchScores and nearest must hold one entry per query (n ≥ 1)");
        int worst = TensorPrimitives.IndexOfMax<float>(patchScores.AsSpan(0, n));
        return Reweighted(queries, worst, patchScores[worst], nearest[worst], numNeighbours);
    }

    private float Reweighted(ReadOnlySpan<float> queries, int worst, float s, int nearest, int numNeighbours)
    {
        int b = Math.Min(numNeighbours, Count);
        if (b <= 1) return s;
        var nd = new float[b];
        var ni = new int[b];
        _search.Search(_bank.AsSpan(nearest * Dimension, Dimension), 1, b, nd, ni);
        // m* itself is its own nearest neighbour; keep it first even when duplicates tie at distance 0.
        int self = Array.IndexOf(ni, nearest);
        if (self < 0) ni[^1] = nearest;
        (ni[0], ni[self < 0 ? b - 1 : self]) = (ni[self < 0 ? b - 1 : self], ni[0]);
        var q = queries.Slice(worst * Dimension, Dimension);
        Span<double> d = stackalloc double[b];
        double max = double.NegativeInfinity;
        for (int j = 0; j < b; j++)
        {
            d[j] = j == 0 ? s : TensorPrimitives.Distance<float>(q, _bank.AsSpan(ni[j] * Dimension, Dimension));
            max = Math.Max(max, d[j]);
        }
        double sum = 0;
        for (int j = 0; j < b; j++) sum += Math.Exp(d[j] - max);
        double weight = 1 - Math.Exp(d[0] - max) / sum;
        return (float)(weight * s);
    }

    /// <summary>Writes the array <c>{prefix}bank</c> (Count×Dimension) and the parameter <c>{prefix}full_bank_size</c>.</summary>
    public void Save(ModelWriter writer, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Parameters[prefix + "full_bank_size"] = FullCount;
        writer.AddArray(prefix + "bank", Features, Count, Dimension);
    }

    /// <summary>Reads a bank written by <see cref="Save"/> with the same prefix.</summary>
    public static PatchMemoryBank Load(ModelReader reader, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = reader.ReadFloats(prefix + "bank", out var shape);
        if (shape.Length != 2 || shape[0] < 1 || shape[1] < 1 || rows.Length != (long)shape[0] * shape[1])
            throw reader.Error($"the memory bank '{prefix}bank' has the wrong shape.");
        if (!ExactNearestNeighbours.IsAllFinite(rows)) throw reader.Error($"the memory bank '{prefix}bank' contains NaN or infinity.");
        int full = reader.Parameters[prefix + "full_bank_size"]?.GetValue<int>() ?? 0;
        return new PatchMemoryBank(rows, shape[0], shape[1], full);
    }
}
