namespace Inspecta.Evaluation;

/// <summary>
/// Threshold-free metrics of a scored binary ranking (image level): AUROC and average precision as scikit-learn
/// defines them (ties share one threshold, so a tie between a positive and a negative counts one half), and F1-max.
/// </summary>
public static class RankingMetrics
{
    public static RankingResult Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> positive, string curveName = "image_roc")
    {
        if (scores.Length != positive.Length) throw new ArgumentException("One label per score is needed.", nameof(positive));
        int n = scores.Length;
        var order = new int[n];
        var sortedScores = new float[n];
        for (int i = 0; i < n; i++)
        {
            if (!float.IsFinite(scores[i])) throw new InspectaUserException($"Image score {i} is not finite ({scores[i]}).");
            order[i] = i;
            sortedScores[i] = -scores[i];
        }
        Array.Sort(sortedScores, order); // ascending −score = descending score

        long nPos = 0;
        foreach (bool p in positive) if (p) nPos++;
        long nNeg = n - nPos;
        long tp = 0, fp = 0, prevTp = 0, prevFp = 0, twiceArea = 0;
        double precisionSum = 0, bestF1 = 0, bestThreshold = double.NaN;
        var x = new List<double> { 0 };
        var y = new List<double> { 0 };
        var t = new List<double> { double.PositiveInfinity };
        for (int i = 0; i < n;)
        {
            float s = sortedScores[i];
            while (i < n && sortedScores[i] == s)
            {
                if (positive[order[i]]) tp++; else fp++;
                i++;
            }
            twiceArea += (fp - prevFp) * (tp + prevTp);
            if (tp > prevTp) precisionSum += (tp - prevTp) * ((double)tp / (tp + fp));
            double f1 = 2.0 * tp / (tp + fp + nPos);
            if (f1 > bestF1) { bestF1 = f1; bestThreshold = -s; }
            x.Add(nNeg > 0 ? (double)fp / nNeg : double.NaN);
            y.Add(nPos > 0 ? (double)tp / nPos : double.NaN);
            t.Add(-s);
            prevTp = tp; prevFp = fp;
        }
        return new RankingResult(
            nPos > 0 && nNeg > 0 ? twiceArea / (2.0 * nNeg * nPos) : double.NaN,
            nPos > 0 ? precisionSum / nPos : double.NaN,
            nPos > 0 ? bestF1 : double.NaN,
            bestThreshold,
            new Curve(curveName, "fpr", "tpr", [.. x], [.. y], [.. t]));
    }
}

/// <summary>Result of <see cref="RankingMetrics.Compute"/>; NaN when a class is missing.</summary>
/// <param name="F1Threshold">Score threshold (score ≥ threshold ⇒ positive) that reaches <paramref name="F1Max"/>.</param>
public sealed record RankingResult(double Auroc, double AveragePrecision, double F1Max, double F1Threshold, Curve Roc);
