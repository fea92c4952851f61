namespace Inspecta.Detectors.Components;

/// <summary>Defaults of the PatchCore-style memory bank, shared by every method that scores with one (PatchCore, BTF, pc-PatchCore).</summary>
public static class MemoryBankDefaults
{
    /// <summary>Fraction of patches the greedy coreset keeps (PatchCore paper: 10 %).</summary>
    public const double CoresetRatio = 0.1;
    /// <summary>Bank neighbours for the re-weighted image score (PatchCore paper: b = 3).</summary>
    public const int NumNeighbours = 3;
}
