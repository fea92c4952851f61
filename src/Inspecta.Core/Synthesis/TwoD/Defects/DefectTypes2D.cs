namespace Inspecta.Synthesis.TwoD.Defects;

/// <summary>Folder names of the synthetic 2D defect types.</summary>
public static class DefectTypes2D
{
    public const string Scratch = "scratch", Crack = "crack", Hole = "hole", Contamination = "contamination",
        Color = "color", Deformation = "deformation", MissingComponent = "missing_component",
        ExtraComponent = "extra_component", MisplacedComponent = "misplaced_component", WrongColour = "wrong_colour",
        MixedSeries = "mixed_series";

    public static IReadOnlyList<string> Surface { get; } = [Scratch, Crack, Hole, Contamination, Color, Deformation];
}
