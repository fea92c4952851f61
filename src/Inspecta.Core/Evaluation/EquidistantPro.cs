namespace Inspecta.Evaluation;

/// <summary>
/// AU-PRO from N thresholds as the MVTec 3D-AD evaluation code samples them: the scores of the anomaly-free pixels
/// sorted ascending, thresholds taken at N equidistant positions of that list (numpy <c>linspace(0, n-1, N)</c>
/// cast to int), FPR = 1 − (position + 1)/n, PRO = mean over regions of the fraction of region pixels scoring above
/// the threshold, plus the end point (1, 1). Integrated like the exact curve.
/// </summary>
internal static class EquidistantPro
{
    public static (double[] AuPro, Curve Curve) Compute(SortedPixelScores scores, int thresholds, IReadOnlyList<double> limits)
    {
        int nOk = scores.NegativeCount;
        if (nOk == 0 || scores.RegionCount == 0)
        {
            var nan = new double[limits.Count];
            Array.Fill(nan, double.NaN);
            return (nan, new Curve("pro_equidistant", "fpr", "pro", [], [], []));
        }

        double step = (double)(nOk - 1) / (thresholds - 1);
        var x = new double[thresholds + 1];
        var y = new double[thresholds + 1];
        var t = new double[thresholds + 1];
        ulong[] pos = scores.Positives;
        double[] w = scores.Weights;
        int j = 0;
        double weight = 0;
        // From the highest threshold (position n-1, FPR 0) down, so the region pixels above it accumulate in one pass.
        for (int i = thresholds - 1, k = 0; i >= 0; i--, k++)
        {
            long p = i == thresholds - 1 ? nOk - 1 : (long)Math.Floor(i * step);
            uint thresholdKey = scores.Negatives[nOk - 1 - p]; // ascending position p = descending index n-1-p
            while (j < scores.PositiveCount && (uint)(pos[j] >> 32) < thresholdKey) // strictly higher score
                weight += w[(uint)pos[j++]];
            x[k] = 1.0 - (p + 1) / (double)nOk;
            y[k] = Math.Min(weight / scores.RegionCount, 1.0);
            t[k] = ScoreKey.ToScore(thresholdKey);
        }
        x[thresholds] = 1.0; y[thresholds] = 1.0; t[thresholds] = double.NegativeInfinity;
        return (LimitedTrapezoid.Integrate(x, y, limits), new Curve("pro_equidistant", "fpr", "pro", x, y, t));
    }
}
