namespace Inspecta.Torch.Training;

/// <summary>
/// SplitMix64 for data order and augmentation: a documented sequence (System.Random's seeded sequence is not a
/// contract), and a value type so one stream per (seed, epoch, sample) can be made without allocation, which keeps
/// augmentation independent of batch composition and thread scheduling.
/// </summary>
public struct TrainingRandom(ulong seed)
{
    private ulong _state = seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;

    public static TrainingRandom For(ulong seed, params ReadOnlySpan<ulong> keys)
    {
        var r = new TrainingRandom(seed);
        foreach (ulong k in keys) r = new TrainingRandom(r.NextULong() ^ k);
        return r;
    }

    public ulong NextULong()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)(NextULong() % (ulong)n);

    public bool Coin() => (NextULong() & 1) == 1;

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Gaussian()
    {
        double u = 1 - NextDouble(), v = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
