namespace Inspecta.Synthesis.ThreeD;

/// <summary>Sizes for the Anomaly-ShapeNet-style generator.</summary>
public sealed record ShapeNetStyleOptions
{
    public ulong Seed { get; init; } = 1;
    public int Templates { get; init; } = 4;
    public int TestPerDefect { get; init; } = 4;
    public int TestNormal { get; init; } = 8;
    public int MinPoints { get; init; } = 8_000;
    public int MaxPoints { get; init; } = 16_000;
    /// <summary>Target triangle edge length after refinement (objects are about 2.4 units across).</summary>
    public float EdgeLength { get; init; } = 0.03f;
    /// <summary>A point is anomalous when carving moved it by at least this much (0.25% of the object size).</summary>
    public float LabelThreshold { get; init; } = 0.006f;

    public void Validate()
    {
        if (Templates < 1) throw new InspectaUserException("At least one template per class is needed.");
        if (TestPerDefect < 0 || TestNormal < 0) throw new InspectaUserException("Test counts must not be negative.");
        if (MinPoints < 100 || MaxPoints < MinPoints || MaxPoints > 1_000_000)
            throw new InspectaUserException($"Point counts must satisfy 100 ≤ min ≤ max ≤ 1000000 (got {MinPoints}..{MaxPoints}).");
    }
}
