namespace Inspecta.Datasets;

/// <summary>
/// Carves a validation set out of the train images for layouts without a validation folder:
/// round(10%) of them (at least one when there are two or more, never all), chosen by a seeded
/// Fisher–Yates shuffle so the split is the same on every run and machine. Both parts keep file order.
/// </summary>
public static class ValidationSplit
{
    public const double Fraction = 0.1;

    public static int CarvedCount(int trainCount) =>
        trainCount < 2 ? 0 : Math.Clamp((int)Math.Round(trainCount * Fraction, MidpointRounding.AwayFromZero), 1, trainCount - 1);

    public static (List<Sample> Train, List<Sample> Validation) Carve(IReadOnlyList<Sample> train, int seed)
    {
        int n = train.Count, k = CarvedCount(n);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // Own SplitMix64 rather than System.Random, whose seeded sequence is not a documented contract.
        ulong state = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = new bool[n];
        for (int i = 0; i < k; i++) chosen[order[i]] = true;
        var keep = new List<Sample>(n - k);
        var val = new List<Sample>(k);
        for (int i = 0; i < n; i++)
            if (chosen[i]) val.Add(train[i] with { Split = Split.Validation });
            else keep.Add(train[i]);
        return (keep, val);
    }

    private static ulong Next(ref ulong s)
    {
        ulong z = s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
