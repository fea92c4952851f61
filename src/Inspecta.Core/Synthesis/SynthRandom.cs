namespace Inspecta.Synthesis;

/// <summary>
/// Deterministic pseudo-random generator (xoshiro256** seeded through SplitMix64). Synthetic data is
/// reproducible byte for byte from a seed, so generators never touch <see cref="Random.Shared"/>;
/// independent streams come from <see cref="Fork"/> so that adding a draw in one place never shifts
/// the numbers used elsewhere.
/// </summary>
public sealed class SynthRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SynthRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <summary>A stream that depends only on this seed and the given keys (not on draws made so far).</summary>
    public static SynthRandom For(ulong seed, params ReadOnlySpan<ulong> keys)
    {
        ulong h = seed ^ 0x9E3779B97F4A7C15UL;
        foreach (ulong k in keys) { h ^= k + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2); h = Mix(h); }
        return new SynthRandom(h);
    }

    /// <summary>Stable 64-bit hash of a name, for deriving streams from category or class names.</summary>
    public static ulong Key(string name)
    {
        ulong h = 1469598103934665603UL;
        foreach (char c in name) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>A child stream keyed by <paramref name="key"/>; advances this stream by one draw.</summary>
    public SynthRandom Fork(ulong key) => new(Mix(NextUInt64() ^ Mix(key + 0x632BE59BD9B4E019UL)));

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t; _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public float NextFloat() => (float)NextDouble();

    /// <summary>Uniform in [min, max).</summary>
    public float Range(float min, float max) => min + (max - min) * NextFloat();

    /// <summary>Uniform integer in [min, maxExclusive).</summary>
    public int Next(int min, int maxExclusive)
    {
        if (maxExclusive <= min) return min;
        return min + (int)(NextUInt64() % (ulong)(maxExclusive - min));
    }

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];

    /// <summary>Standard normal (Box–Muller; one value per call keeps the stream simple to reason about).</summary>
    public float Gaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
