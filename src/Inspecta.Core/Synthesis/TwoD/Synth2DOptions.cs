namespace Inspecta.Synthesis.TwoD;

/// <summary>How much 2D data to generate. Test counts default to a fraction of the train count.</summary>
public sealed record Synth2DOptions
{
    public ulong Seed { get; init; } = 1;
    public int Size { get; init; } = 256;
    /// <summary>Good training images per category.</summary>
    public int TrainCount { get; init; } = 40;
    public int? TestGoodCount { get; init; }
    public int? TestPerDefect { get; init; }
    public int? ValidationCount { get; init; }

    public int EffectiveTestGood => TestGoodCount ?? Math.Max(2, TrainCount / 4);
    public int EffectiveTestPerDefect => TestPerDefect ?? Math.Max(2, TrainCount / 5);
    public int EffectiveValidation => ValidationCount ?? Math.Max(2, TrainCount / 5);

    public void Validate()
    {
        if (Size is < 64 or > 2048) throw new InspectaUserException($"--size must be between 64 and 2048, got {Size}.");
        if (TrainCount is < 1 or > 100_000) throw new InspectaUserException($"--count must be between 1 and 100000, got {TrainCount}.");
        if (TestGoodCount is < 0 || TestPerDefect is < 1 || ValidationCount is < 0)
            throw new InspectaUserException("Test and validation counts must be positive.");
    }
}
