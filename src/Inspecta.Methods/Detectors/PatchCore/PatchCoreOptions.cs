using Inspecta.Detectors.Components;
using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.PatchCore;

/// <summary>Options of <c>--method patchcore</c>.</summary>
public sealed record PatchCoreOptions : BackboneOptions
{
    [Option("coreset", "Fraction of patches the greedy coreset keeps, in (0, 1].", Key = "coreset_ratio", Above = 0, Max = 1)]
    public double CoresetRatio { get; init; } = MemoryBankDefaults.CoresetRatio;

    [Option("num-neighbours", "Bank neighbours that re-weight the image score (1 = plain maximum).", Min = 1)]
    public int NumNeighbours { get; init; } = MemoryBankDefaults.NumNeighbours;
}
