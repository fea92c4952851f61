using Inspecta.Detectors.Components;
using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.PointPatchCore;

/// <summary>Options of <c>--method pc-patchcore</c>.</summary>
public sealed record PointPatchCoreOptions : MethodOptions
{
    [Option("descriptor", "Patch descriptor: fpfh (mean FPFH of the patch) or xyz (patch centroid; use with --register).", Choices = ["fpfh", "xyz"])]
    public string Descriptor { get; init; } = "fpfh";

    [Option("centres", "Patch centres per cloud by farthest-point sampling.", Min = 1)]
    public int Centres { get; init; } = PointPatchCoreDetector.DefaultCentres;

    [Option("patch-points", "Points per patch around each centre.", Min = 1)]
    public int PatchPoints { get; init; } = PointPatchCoreDetector.DefaultPatchPoints;

    [Option("coreset", "Fraction of patches the greedy coreset keeps, in (0, 1].", Key = "coreset_ratio", Above = 0, Max = 1)]
    public double CoresetRatio { get; init; } = MemoryBankDefaults.CoresetRatio;

    [Option("num-neighbours", "Bank neighbours that re-weight the object score (1 = plain maximum).", Min = 1)]
    public int NumNeighbours { get; init; } = MemoryBankDefaults.NumNeighbours;

    [Option("register", "Align every cloud to the first training template (FPFH + RANSAC, then ICP) first.", Key = "registered")]
    public bool Register { get; init; }
}
