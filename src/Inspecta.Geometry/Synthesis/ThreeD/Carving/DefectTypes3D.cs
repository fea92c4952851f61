namespace Inspecta.Synthesis.ThreeD.Carving;

/// <summary>The six Anomaly-ShapeNet defect types carved on meshes.</summary>
public static class DefectTypes3D
{
    public const string Bulge = "bulge", Concavity = "concavity", Hole = "hole", Break = "break", Bending = "bending", Crack = "crack";
    public static IReadOnlyList<string> All { get; } = [Bulge, Concavity, Hole, Break, Bending, Crack];
}
