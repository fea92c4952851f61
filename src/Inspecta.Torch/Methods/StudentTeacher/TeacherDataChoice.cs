namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>Which images the patch teachers are distilled on (there is no ImageNet offline).</summary>
public static class TeacherDataChoice
{
    /// <summary>The fit's training images only.</summary>
    public const string Train = "train";
    /// <summary>The training images plus good images of every synthetic 2D category (textures and objects, <c>synth 2d</c>).</summary>
    public const string TrainAndSynthetic = "train+synthetic";
}
