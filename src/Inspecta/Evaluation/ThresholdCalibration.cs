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
    /// largest false-positive blob is just below the smallest defect one wants to find. Binary search over the
    /// sorted validation scores (the largest component only shrinks as t grows).
    /// </summary>
    public static double MaxArea(IReadOnlyList<AnomalyMap> goodMaps, int minDefectArea, Connectivity connectivity = Connectivity.Eight)
    {
        if (minDefectArea < 1) throw new InspectaUserException($"The minimum defect area must be at least one pixel, got {minDefectArea}.");
        float[] pooled = Pool(goodMaps);
        CheckScores(pooled);
        uint[] keys = SortedKeys(pooled);
        int distinct = Unique(keys);

        // Index 0 holds the highest score, where the segmentation is empty: always acceptable. Find the largest
        // index (lowest score) still acceptable.
        int lo = 0, hi = distinct - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo + 1) / 2;
            if (LargestComponent(goodMaps, ScoreKey.ToScore(keys[mid]), connectivity) < minDefectArea) lo = mid;
            else hi = mid - 1;
        }
        return ScoreKey.ToScore(keys[lo]);
    }

    /// <summary>The thesis' default minimum defect area: 0.1% of the image area, at least one pixel.</summary>
    public static int DefaultMinDefectArea(int height, int width) => Math.Max(1, (int)Math.Ceiling(DefaultMaxAreaFraction * height * width));

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

    /// <summary>Compacts sorted keys to their distinct values in place; returns how many there are.</summary>
    private static int Unique(uint[] sorted)
    {
        int n = 0;
        for (int i = 0; i < sorted.Length; i++)
            if (n == 0 || sorted[i] != sorted[n - 1]) sorted[n++] = sorted[i];
        return n;
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
