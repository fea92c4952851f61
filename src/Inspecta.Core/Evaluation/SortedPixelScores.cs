using Inspecta.Detectors;
using System.Runtime.CompilerServices;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// All test pixels of a set of images, split into negatives (pixels that count as false positives) and weighted
/// positive events, each sorted from the highest score to the lowest. One sweep over both sequences yields the
/// exact FPR / PRO / ROC / PR curves at every distinct score.
/// </summary>
internal sealed class SortedPixelScores
{
    /// <summary>Descending-order keys (see <see cref="ScoreKey"/>) of the negative pixels, sorted ascending.</summary>
    public required uint[] Negatives { get; init; }
    public required int NegativeCount { get; init; }

    /// <summary>(key &lt;&lt; 32) | weight index of the positive events, sorted ascending by key.</summary>
    public required ulong[] Positives { get; init; }
    public required int PositiveCount { get; init; }

    /// <summary>PRO (or sPRO) increment of an event, indexed by the low half of <see cref="Positives"/>.</summary>
    public required double[] Weights { get; init; }

    /// <summary>Number of ground-truth regions the PRO averages over.</summary>
    public required int RegionCount { get; init; }

    /// <summary>
    /// The MVTec AD layout: regions are the connected components of each ground truth; every region pixel is a
    /// positive event of weight 1/|region|, every other pixel a negative.
    /// </summary>
    /// <remarks>
    /// Built in three parallel passes over contiguous chunks of images: (1) validate and histogram the negatives'
    /// keys by their upper 16 bits, (2) label the ground truth and scatter every key straight into its bucket,
    /// (3) finish each bucket in place (<see cref="BucketSort"/>). No intermediate copy of all keys is made.
    /// </remarks>
    public static SortedPixelScores FromRegions(IReadOnlyList<EvaluatedImage> images, Connectivity connectivity, IProgress<ProgressUpdate>? progress = null) =>
        Build(images, connectivity, progress);

    /// <summary>
    /// Only the negatives (pixels where the ground truth is zero), sorted; the caller supplies the positive events
    /// (MVTec LOCO AD, whose regions are channels rather than connected components).
    /// </summary>
    public static SortedPixelScores NegativesOf(IReadOnlyList<EvaluatedImage> images, ulong[] positives, double[] weights, int regionCount, IProgress<ProgressUpdate>? progress = null)
    {
        var negativesOnly = Build(images, null, progress);
        ulong[] pos = RadixSort.Sort<ulong, HighHalfKey>(positives, new ulong[positives.Length], positives.Length);
        return new SortedPixelScores
        {
            Negatives = negativesOnly.Negatives, NegativeCount = negativesOnly.NegativeCount,
            Positives = pos, PositiveCount = pos.Length,
            Weights = weights, RegionCount = regionCount,
        };
    }

    /// <param name="connectivity">Region connectivity, or null to skip the defect pixels entirely.</param>
    private static SortedPixelScores Build(IReadOnlyList<EvaluatedImage> images, Connectivity? connectivity, IProgress<ProgressUpdate>? progress)
    {
        int n = images.Count;
        int chunks = Math.Max(1, Math.Min(n, 4 * Environment.ProcessorCount));
        var counts = new int[chunks][];
        var defectPixels = new int[n];
        int done = 0;
        ParallelUserErrors.Run(() => Parallel.For(0, chunks, c =>
        {
            var hist = counts[c] = new int[BucketSort.Buckets];
            for (int i = First(c, chunks, n); i < First(c + 1, chunks, n); i++)
            {
                CheckSizes(images[i]);
                defectPixels[i] = CountKeys(images[i], hist);
                progress?.Report(new ProgressUpdate("pixels", Interlocked.Increment(ref done), 2L * n));
            }
        }));

        // Bucket starts, then each chunk's write offset inside every bucket (the histograms become cursors).
        var starts = new long[BucketSort.Buckets + 1];
        for (int b = 0; b < BucketSort.Buckets; b++)
        {
            long total = 0;
            for (int c = 0; c < chunks; c++) total += counts[c][b];
            starts[b + 1] = starts[b] + total;
        }
        var posBase = new long[n + 1];
        for (int i = 0; i < n; i++) posBase[i + 1] = posBase[i] + (connectivity is null ? 0 : defectPixels[i]);
        long negTotal = starts[BucketSort.Buckets], posTotal = posBase[n];
        if (negTotal + posTotal > Array.MaxLength)
            throw new InspectaUserException($"Too many pixels to evaluate at once ({negTotal + posTotal:N0}); evaluate fewer or smaller maps.");
        for (int b = 0; b < BucketSort.Buckets; b++)
        {
            long cursor = starts[b];
            for (int c = 0; c < chunks; c++) { int k = counts[c][b]; counts[c][b] = (int)cursor; cursor += k; }
        }

        var negatives = new uint[negTotal];
        var positives = new ulong[posTotal];
        var weights = new double[posTotal];
        var regions = new int[n];
        Parallel.For(0, chunks, c =>
        {
            int[] labels = [];
            for (int i = First(c, chunks, n); i < First(c + 1, chunks, n); i++)
            {
                var image = images[i];
                if (defectPixels[i] == 0) ScatterNegatives(image.Map.Data, negatives, counts[c]);
                else if (connectivity is null) ScatterMaskedNegatives(image.Map.Data, image.GroundTruth.Data, negatives, counts[c]);
                else
                {
                    if (labels.Length < image.Map.Data.Length) labels = new int[image.Map.Data.Length];
                    var gt = image.GroundTruth;
                    int count = ConnectedComponents.Label(gt.Data, gt.Height, gt.Width, labels, connectivity.Value);
                    regions[i] = count;
                    int slot = (int)posBase[i] - 1; // weight slot of label k is slot + k
                    int[] sizes = ConnectedComponents.ComponentSizes(labels.AsSpan(0, image.Map.Data.Length), count);
                    for (int k = 1; k <= count; k++) weights[slot + k] = 1.0 / sizes[k];
                    ScatterMixed(image.Map.Data, labels, slot, negatives, counts[c], positives, (int)posBase[i]);
                }
                progress?.Report(new ProgressUpdate("pixels", Interlocked.Increment(ref done), 2L * n));
            }
        });

        progress?.Report(new ProgressUpdate("sort", 0, 2));
        BucketSort.SortBuckets(negatives, starts);
        progress?.Report(new ProgressUpdate("sort", 1, 2));
        ulong[] pos = RadixSort.Sort<ulong, HighHalfKey>(positives, new ulong[positives.Length], positives.Length);
        progress?.Report(new ProgressUpdate("sort", 2, 2));

        int regionCount = 0;
        foreach (int r in regions) regionCount += r;
        return new SortedPixelScores
        {
            Negatives = negatives, NegativeCount = negatives.Length,
            Positives = pos, PositiveCount = pos.Length,
            Weights = weights, RegionCount = regionCount,
        };
    }

    private static int First(int chunk, int chunks, int n) => (int)((long)n * chunk / chunks);

    /// <summary>Checks every score and counts the negatives' keys per bucket; returns the number of defect pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountKeys(EvaluatedImage image, int[] hist)
    {
        float[] scores = image.Map.Data;
        byte[] gt = image.GroundTruth.Data;
        int defects = 0;
        for (int p = 0; p < scores.Length; p++)
        {
            float v = scores[p];
            if (!float.IsFinite(v)) throw NotFinite(image, p);
            if (gt[p] != 0) defects++;
            else hist[BucketSort.BucketOf(ScoreKey.Descending(v))]++;
        }
        return defects;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterNegatives(float[] scores, uint[] negatives, int[] cursor)
    {
        foreach (float v in scores)
        {
            uint key = ScoreKey.Descending(v);
            negatives[cursor[BucketSort.BucketOf(key)]++] = key;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterMaskedNegatives(float[] scores, byte[] gt, uint[] negatives, int[] cursor)
    {
        for (int p = 0; p < scores.Length; p++)
        {
            if (gt[p] != 0) continue;
            uint key = ScoreKey.Descending(scores[p]);
            negatives[cursor[BucketSort.BucketOf(key)]++] = key;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScatterMixed(float[] scores, int[] labels, int slot, uint[] negatives, int[] cursor, ulong[] positives, int pos)
    {
        for (int p = 0; p < scores.Length; p++)
        {
            uint key = ScoreKey.Descending(scores[p]);
            int l = labels[p];
            if (l == 0) negatives[cursor[BucketSort.BucketOf(key)]++] = key;
            else positives[pos++] = ((ulong)key << 32) | (uint)(slot + l);
        }
    }

    /// <summary>
    /// Visits every distinct score from high to low once, after all pixels with that score have been counted
    /// (the official "keep only the last point per tied score").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Sweep<TSink>(ref TSink sink) where TSink : struct, ISweepSink
    {
        uint[] neg = Negatives;
        ulong[] pos = Positives;
        double[] w = Weights;
        int nNeg = NegativeCount, nPos = PositiveCount;
        int i = 0, j = 0;
        long fp = 0, tp = 0;
        double weight = 0;
        while (i < nNeg || j < nPos)
        {
            uint kNeg = i < nNeg ? neg[i] : uint.MaxValue;
            uint kPos = j < nPos ? (uint)(pos[j] >> 32) : uint.MaxValue;
            uint key = Math.Min(kNeg, kPos);
            if (kNeg == key)
            {
                int start = i;
                while (i < nNeg && neg[i] == key) i++;
                fp += i - start;
            }
            if (kPos == key)
            {
                while (j < nPos && (uint)(pos[j] >> 32) == key)
                {
                    weight += w[(uint)pos[j]];
                    tp++;
                    j++;
                }
            }
            sink.Add(key, fp, tp, weight);
        }
    }

    /// <summary>Score of the k-th highest negative pixel.</summary>
    public float NegativeScore(int index) => ScoreKey.ToScore(Negatives[index]);

    internal static void CheckSizes(EvaluatedImage image)
    {
        var (map, gt) = (image.Map, image.GroundTruth);
        if (map.Height != gt.Height || map.Width != gt.Width)
            throw new InspectaUserException($"{image}: anomaly map is {map.Width}×{map.Height} but its ground truth is {gt.Width}×{gt.Height}; resize the map first.");
    }

    internal static InspectaUserException NotFinite(EvaluatedImage image, int index) =>
        new($"{image}: anomaly map has a non-finite score ({image.Map.Data[index]}) at x={index % image.Map.Width}, y={index / image.Map.Width}.");
}
