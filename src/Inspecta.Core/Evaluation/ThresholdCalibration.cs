using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// Segmentation thresholds estimated from anomaly-free validation data only (MVTec AD paper and thesis §3.7):
/// maximum, p-quantile, k-sigma and max-area. A pixel is anomalous when its score is strictly above the threshold.
/// The overloads taking maps pool all their pixels.
/// </summary>
public static class ThresholdCalibration
{
    public const double DefaultQuantile = 0.99;
    public const double DefaultSigmas = 3;

    /// <summary>Fraction of the image area the thesis' experiments allow for false-positive components (0.1%).</summary>
    public const double DefaultMaxAreaFraction = 0.001;

    /// <summary>The maximum validation score: no false positive on the validation data.</summary>
    public static double MaxOfScores(ReadOnlySpan<float> scores)
    {
        CheckScores(scores);
        return System.Numerics.Tensors.TensorPrimitives.Max(scores);
    }

    public static double MaxOfScores(IReadOnlyList<AnomalyMap> goodMaps) => MaxOfScores(Pool(goodMaps));

    /// <summary>The p-quantile of the validation scores (numpy's default linear interpolation): a fraction p lies at or below it.</summary>
    public static double Quantile(ReadOnlySpan<float> scores, double p = DefaultQuantile)
    {
        CheckScores(scores);
        if (!(p >= 0 && p <= 1)) throw new InspectaUserException($"The quantile must be in [0, 1], got {p}.");
        uint[] sorted = SortedKeys(scores);
        int n = sorted.Length;
        // Keys sort high-to-low: ascending position a sits at index n-1-a.
        double h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, n - 1);
        double a = ScoreKey.ToScore(sorted[n - 1 - lo]), b = ScoreKey.ToScore(sorted[n - 1 - hi]);
        return a + (b - a) * (h - lo);
    }

    public static double Quantile(IReadOnlyList<AnomalyMap> goodMaps, double p = DefaultQuantile) => Quantile(Pool(goodMaps), p);

    /// <summary>μ + kσ of the validation scores (population standard deviation).</summary>
    public static double KSigma(ReadOnlySpan<float> scores, double k = DefaultSigmas)
    {
        CheckScores(scores);
        double sum = 0;
        foreach (float v in scores) sum += v;
        double mean = sum / scores.Length, squares = 0;
        foreach (float v in scores) squares += (v - mean) * (v - mean);
        return mean + k * Math.Sqrt(squares / scores.Length);
    }

    public static double KSigma(IReadOnlyList<AnomalyMap> goodMaps, double k = DefaultSigmas) => KSigma(Pool(goodMaps), k);

    /// <summary>
    /// Max-area: the smallest threshold t (a validation score) at which every connected component of
    /// {score &gt; t} in every good validation map is smaller than <paramref name="minDefectArea"/> pixels, i.e. the
    /// largest false-positive blob is just below the smallest defect one wants to find.
    /// </summary>
    /// <remarks>
    /// Pixels are added from the highest score down into an incremental union-find (union by size); the first
    /// score whose pixels make a component reach the area is the answer, because {score &gt; that score} was still
    /// acceptable. Only the top of the score distribution is visited; if no component ever reaches the area,
    /// the lowest score is returned.
    /// </remarks>
    public static double MaxArea(IReadOnlyList<AnomalyMap> goodMaps, int minDefectArea, Connectivity connectivity = Connectivity.Eight)
    {
        if (minDefectArea < 1) throw new InspectaUserException($"The minimum defect area must be at least one pixel, got {minDefectArea}.");
        if (goodMaps.Count == 0) throw new InspectaUserException("Threshold calibration needs at least one good validation map.");
        var offsets = new int[goodMaps.Count + 1];
        for (int m = 0; m < goodMaps.Count; m++)
        {
            CheckScores(goodMaps[m].Data);
            long end = (long)offsets[m] + goodMaps[m].Data.Length;
            if (end > Array.MaxLength) throw new InspectaUserException("Too many validation pixels for max-area calibration; use fewer maps.");
            offsets[m + 1] = (int)end;
        }
        int n = offsets[^1];
        var items = new ulong[n];
        for (int m = 0; m < goodMaps.Count; m++)
        {
            float[] data = goodMaps[m].Data;
            for (int p = 0; p < data.Length; p++) items[offsets[m] + p] = ((ulong)ScoreKey.Descending(data[p]) << 32) | (uint)(offsets[m] + p);
        }
        ulong[] sorted = RadixSort.Sort<ulong, HighHalfKey>(items, new ulong[n], n);

        var parent = new int[n];
        Array.Fill(parent, Absent);
        int largest = 0;
        for (int i = 0; i < n;)
        {
            uint key = (uint)(sorted[i] >> 32);
            for (; i < n && (uint)(sorted[i] >> 32) == key; i++)
            {
                int g = (int)(uint)sorted[i];
                parent[g] = -1;
                largest = Math.Max(largest, JoinNeighbours(parent, g, goodMaps, offsets, connectivity));
            }
            if (largest >= minDefectArea) return ScoreKey.ToScore(key);
        }
        return ScoreKey.ToScore((uint)(sorted[n - 1] >> 32));
    }

    private const int Absent = int.MinValue; // parent[] of a pixel not yet above the threshold; roots hold −size

    /// <summary>Unites a newly added pixel with its added neighbours; returns the size of its component.</summary>
    private static int JoinNeighbours(int[] parent, int g, IReadOnlyList<AnomalyMap> maps, int[] offsets, Connectivity connectivity)
    {
        int m = Array.BinarySearch(offsets, g);
        if (m < 0) m = ~m - 1;
        while (offsets[m + 1] == g) m++; // skip empty maps sharing an offset
        int w = maps[m].Width, h = maps[m].Height, local = g - offsets[m], y = local / w, x = local % w;
        int size = 1;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                if ((dy == 0 && dx == 0) || (connectivity == Connectivity.Four && dy != 0 && dx != 0)) continue;
                int yy = y + dy, xx = x + dx;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                int other = offsets[m] + yy * w + xx;
                if (parent[other] != Absent) size = Union(parent, g, other);
            }
        return size;
    }

    private static int Root(int[] parent, int x)
    {
        int root = x;
        while (parent[root] >= 0) root = parent[root];
        while (parent[x] >= 0) { int next = parent[x]; parent[x] = root; x = next; }
        return root;
    }

    private static int Union(int[] parent, int a, int b)
    {
        int ra = Root(parent, a), rb = Root(parent, b);
        if (ra == rb) return -parent[ra];
        if (parent[ra] > parent[rb]) (ra, rb) = (rb, ra); // ra is the larger (more negative size)
        parent[ra] += parent[rb];
        parent[rb] = ra;
        return -parent[ra];
    }

    /// <summary>The thesis' default minimum defect area: 0.1% of the image area, at least one pixel.</summary>
    public static int DefaultMinDefectArea(int height, int width) => Math.Max(1, (int)Math.Ceiling(DefaultMaxAreaFraction * height * width));

    /// <summary>A minimum defect area must be smaller than a whole map, or max-area calibration flags everything.</summary>
    public static void RequireMinDefectAreaBelowMap(int area, int height, int width)
    {
        if (area >= (long)height * width)
            throw new InspectaUserException($"--min-defect-area {area} px is not smaller than a whole map ({width}×{height} = {(long)height * width} px).");
    }

    /// <summary>Largest connected component of {score &gt; threshold} over all maps.</summary>
    public static int LargestComponent(IReadOnlyList<AnomalyMap> maps, float threshold, Connectivity connectivity)
    {
        int largest = 0;
        object gate = new();
        Parallel.For(0, maps.Count, () => (Mask: Array.Empty<byte>(), Labels: Array.Empty<int>(), Max: 0), (i, _, state) =>
        {
            var map = maps[i];
            int n = map.Data.Length;
            if (state.Mask.Length < n) state = (new byte[n], new int[n], state.Max);
            var data = map.Data;
            for (int p = 0; p < n; p++) state.Mask[p] = data[p] > threshold ? (byte)1 : (byte)0;
            int count = ConnectedComponents.Label(state.Mask.AsSpan(0, n), map.Height, map.Width, state.Labels, connectivity);
            int size = ConnectedComponents.LargestComponentSize(state.Labels.AsSpan(0, n), count);
            return state with { Max = Math.Max(state.Max, size) };
        }, state => { lock (gate) largest = Math.Max(largest, state.Max); });
        return largest;
    }

    private static uint[] SortedKeys(ReadOnlySpan<float> scores)
    {
        var keys = new uint[scores.Length];
        for (int i = 0; i < scores.Length; i++) keys[i] = ScoreKey.Descending(scores[i]);
        return RadixSort.Sort<uint, SelfKey>(keys, new uint[keys.Length], keys.Length);
    }

    private static float[] Pool(IReadOnlyList<AnomalyMap> maps)
    {
        if (maps.Count == 0) throw new InspectaUserException("Threshold calibration needs at least one good validation map.");
        long total = 0;
        foreach (var m in maps) total += m.Data.Length;
        var pooled = new float[total];
        long offset = 0;
        foreach (var m in maps) { m.Data.CopyTo(pooled, offset); offset += m.Data.Length; }
        return pooled;
    }

    private static void CheckScores(ReadOnlySpan<float> scores)
    {
        if (scores.IsEmpty) throw new InspectaUserException("Threshold calibration needs at least one validation score.");
        foreach (float v in scores)
            if (!float.IsFinite(v)) throw new InspectaUserException($"Validation scores contain a non-finite value ({v}).");
    }
}
