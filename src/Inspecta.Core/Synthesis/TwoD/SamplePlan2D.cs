using Inspecta.Datasets;

namespace Inspecta.Synthesis.TwoD;

/// <summary>One sample to generate: where it goes and which defect (if any) it carries.</summary>
public sealed record SamplePlan2D(Split Split, string Label, string? DefectType, string Id, int Index);
