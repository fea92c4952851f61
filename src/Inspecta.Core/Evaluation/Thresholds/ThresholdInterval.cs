using System.Globalization;
using System.Text.Json.Nodes;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>
/// How much a calibrated threshold depends on which good validation images happened to be chosen: a percentile
/// bootstrap over the validation images (resampled with replacement, the threshold recomputed each time), seeded so the
/// same images always give the same interval.
/// </summary>
/// <remarks>
/// Max-type thresholds are the maximum of per-image values, so the upper end of the interval is the threshold itself
/// and the lower end says how far it would drop without the most extreme images: a wide interval means the next good
/// image may well exceed the threshold (give more validation images). The bootstrap of a maximum is known to be
/// optimistic for small samples; it is a warning sign, not a guarantee.
/// </remarks>
public sealed record ThresholdInterval(double Low, double High, double Level, int Resamples, int Seed)
{
    public const int DefaultResamples = 1000;
    public const int DefaultSeed = 20;
    public const double DefaultLevel = 0.95;

    /// <summary>Relative width (High − Low) / |High|; 0 when the threshold is 0.</summary>
    public double RelativeWidth => High == 0 ? 0 : (High - Low) / Math.Abs(High);

    /// <summary>The interval of the maximum of <paramref name="perImage"/> (each image's own threshold).</summary>
    public static ThresholdInterval OfMaximum(IReadOnlyList<double> perImage, int resamples = DefaultResamples, int seed = DefaultSeed, double level = DefaultLevel)
    {
        ArgumentNullException.ThrowIfNull(perImage);
        if (perImage.Count == 0) throw new ArgumentException("The bootstrap needs at least one value.", nameof(perImage));
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples));
        var stats = new double[resamples];
        // Own SplitMix64 (as the validation split): System.Random's seeded sequence is no documented contract.
        ulong state = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL;
        int n = perImage.Count;
        for (int b = 0; b < resamples; b++)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < n; i++) max = Math.Max(max, perImage[(int)(Next(ref state) % (ulong)n)]);
            stats[b] = max;
        }
        Array.Sort(stats);
        double tail = (1 - level) / 2;
        return new ThresholdInterval(Percentile(stats, tail), Percentile(stats, 1 - tail), level, resamples, seed);
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    private static double Percentile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
    }

    private static ulong Next(ref ulong s)
    {
        ulong z = s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public JsonObject ToJson() => new()
    {
        ["low"] = Low, ["high"] = High, ["level"] = Level, ["method"] = "bootstrap over validation images", ["resamples"] = Resamples, ["seed"] = Seed,
    };

    public static ThresholdInterval? FromJson(JsonNode? node) => node is JsonObject o
        ? new ThresholdInterval(o["low"]!.GetValue<double>(), o["high"]!.GetValue<double>(), o["level"]?.GetValue<double>() ?? DefaultLevel,
            o["resamples"]?.GetValue<int>() ?? 0, o["seed"]?.GetValue<int>() ?? 0)
        : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Level * 100:0}% bootstrap interval [{Low:G6}, {High:G6}] over the validation images");
}
