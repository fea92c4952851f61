namespace Inspecta.Reporting.Benchmarking;

/// <summary>Summary of per-image latencies in milliseconds.</summary>
public sealed record LatencyStats(int Count, double Median, double P95, double Mean)
{
    public static LatencyStats From(IReadOnlyList<double> milliseconds)
    {
        if (milliseconds.Count == 0) throw new ArgumentException("No latencies measured.", nameof(milliseconds));
        var sorted = milliseconds.Order().ToArray();
        return new(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted.Average());
    }

    /// <summary>Linear interpolation between closest ranks (the numpy default), on sorted data.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("Empty sample.", nameof(sorted));
        double rank = p * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
