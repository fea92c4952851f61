namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>How much MVTec 3D-AD-style data to generate.</summary>
public sealed record ScanStyleOptions
{
    public ulong Seed { get; init; } = 1;
    public int Size { get; init; } = 256;
    public int TrainCount { get; init; } = 40;
    public int? ValidationCount { get; init; }
    public int? TestGoodCount { get; init; }
    public int? TestPerDefect { get; init; }

    public int EffectiveValidation => ValidationCount ?? Math.Max(2, TrainCount / 5);
    public int EffectiveTestGood => TestGoodCount ?? Math.Max(2, TrainCount / 4);
    public int EffectiveTestPerDefect => TestPerDefect ?? Math.Max(2, TrainCount / 5);

    public void Validate()
    {
        if (Size is < 32 or > 2048) throw new InspectaUserException($"--size must be between 32 and 2048, got {Size}.");
        if (TrainCount is < 1 or > 100_000) throw new InspectaUserException($"--count must be between 1 and 100000, got {TrainCount}.");
    }
}
