using Inspecta.Detectors;
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
    public static SortedPixelScores FromRegions(IReadOnlyList<EvaluatedImage> images, Connectivity connectivity, IProgress<ProgressUpdate>? progress = null)
    {
        int n = images.Count;
        var defectPixels = new int[n];
        Parallel.For(0, n, i =>
        {
            var image = images[i];
            CheckSizes(image);
            defectPixels[i] = image.GroundTruth.CountNonZero();
        });

        var negBase = new long[n + 1];
        var posBase = new long[n + 1];
        for (int i = 0; i < n; i++)
        {
            negBase[i + 1] = negBase[i] + images[i].Map.Data.Length - defectPixels[i];
            posBase[i + 1] = posBase[i] + defectPixels[i];
        }
        if (negBase[n] + posBase[n] > Array.MaxLength)
            throw new InspectaUserException($"Too many pixels to evaluate at once ({negBase[n] + posBase[n]:N0}); evaluate fewer or smaller maps.");
        var negatives = new uint[negBase[n]];
        var positives = new ulong[posBase[n]];
        var weights = new double[posBase[n]];
        var regions = new int[n];

        int done = 0;
        Parallel.For(0, n, () => Array.Empty<int>(), (i, _, labels) =>
        {
            var image = images[i];
            float[] scores = image.Map.Data;
            if (defectPixels[i] == 0)
                FillNegatives(image, scores, negatives.AsSpan((int)negBase[i], scores.Length));
            else
            {
                if (labels.Length < scores.Length) labels = new int[scores.Length];
                var gt = image.GroundTruth;
                int count = ConnectedComponents.Label(gt.Data, gt.Height, gt.Width, labels, connectivity);
                regions[i] = count;
                int slot = (int)posBase[i] - 1; // weight slot of label 1 is posBase[i]
                int[] sizes = ConnectedComponents.ComponentSizes(labels.AsSpan(0, scores.Length), count);
                for (int k = 1; k <= count; k++) weights[slot + k] = 1.0 / sizes[k];
                int neg = (int)negBase[i], pos = (int)posBase[i];
                for (int p = 0; p < scores.Length; p++)
                {
                    float v = scores[p];
                    if (!float.IsFinite(v)) throw NotFinite(image, p);
                    uint key = ScoreKey.Descending(v);
                    int l = labels[p];
                    if (l == 0) negatives[neg++] = key;
                    else positives[pos++] = ((ulong)key << 32) | (uint)(slot + l);
                }
            }
            progress?.Report(new ProgressUpdate("pixels", Interlocked.Increment(ref done), n));
            return labels;
        }, _ => { });

        int regionCount = 0;
        foreach (int r in regions) regionCount += r;
        return Sorted(negatives, positives, weights, regionCount, progress);
    }

    /// <summary>Sorts the given unsorted events and wraps them.</summary>
    public static SortedPixelScores Sorted(uint[] negatives, ulong[] positives, double[] weights, int regionCount, IProgress<ProgressUpdate>? progress = null)
    {
        progress?.Report(new ProgressUpdate("sort", 0, 2));
        uint[] neg = RadixSort.Sort<uint, SelfKey>(negatives, new uint[negatives.Length], negatives.Length);
        progress?.Report(new ProgressUpdate("sort", 1, 2));
        ulong[] pos = RadixSort.Sort<ulong, HighHalfKey>(positives, new ulong[positives.Length], positives.Length);
        progress?.Report(new ProgressUpdate("sort", 2, 2));
        return new SortedPixelScores
        {
            Negatives = neg, NegativeCount = negatives.Length,
            Positives = pos, PositiveCount = positives.Length,
            Weights = weights, RegionCount = regionCount,
        };
    }

    /// <summary>
    /// Visits every distinct score from high to low once, after all pixels with that score have been counted
    /// (the official "keep only the last point per tied score").
    /// </summary>
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

    internal static void FillNegatives(EvaluatedImage image, ReadOnlySpan<float> scores, Span<uint> keys)
    {
        for (int p = 0; p < scores.Length; p++)
        {
            float v = scores[p];
            if (!float.IsFinite(v)) throw NotFinite(image, p);
            keys[p] = ScoreKey.Descending(v);
        }
    }

    internal static InspectaUserException NotFinite(EvaluatedImage image, int index) =>
        new($"{image}: anomaly map has a non-finite score ({image.Map.Data[index]}) at x={index % image.Map.Width}, y={index / image.Map.Width}.");
}
