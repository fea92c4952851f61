namespace Inspecta.Reporting;

/// <summary>Fallback thresholds when a report has no calibrated one (e.g. maps evaluated without a model).</summary>
public static class ReportThresholds
{
    /// <summary>
    /// The image threshold with the best F1 on these items (defective = positive): the smallest score
    /// of the best-scoring cut, so that every image at or above it is flagged. Null without items.
    /// </summary>
    public static ReportThreshold? BestF1(IReadOnlyList<GalleryItem> items)
    {
        if (items.Count == 0) return null;
        var sorted = items.OrderByDescending(i => i.Score).ToArray();
        int positives = sorted.Count(i => !i.IsGood);
        if (positives == 0)
        {
            float above = MathF.BitIncrement(sorted[0].Score);
            return new ReportThreshold(above, "oracle: no defective images, just above the highest score (nothing flagged)") { IsOracle = true };
        }
        double bestF1 = -1; float best = sorted[0].Score;
        int tp = 0, fp = 0;
        for (int k = 0; k < sorted.Length; k++)
        {
            if (sorted[k].IsGood) fp++; else tp++;
            // Only cut between distinct scores: ties are flagged together.
            if (k + 1 < sorted.Length && sorted[k + 1].Score == sorted[k].Score) continue;
            double f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
            if (f1 > bestF1) { bestF1 = f1; best = sorted[k].Score; }
        }
        return new ReportThreshold(best, $"oracle: image threshold F1-optimal on this test set (F1 {bestF1:F3}); not available in production") { IsOracle = true };
    }
}
