using Inspecta.Detectors.Options;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Options of <c>--method student-teacher</c> (Uninformed Students, thesis §5, MVTec AD configuration): 256×256 RGB,
/// receptive fields 17, 33 and 65, M = 3 students per scale trained 100 epochs with batch 1, Adam lr 10⁻⁴, weight decay
/// 10⁻⁵. An epoch of the students draws --samples-per-epoch images with replacement.
/// </summary>
public sealed record StudentTeacherOptions : PatchTeacherOptions
{
    public StudentTeacherOptions()
    {
        LearningRate = 1e-4;
        WeightDecay = 1e-5;
        BatchSize = 1;
        SamplesPerEpoch = 256;
        Epochs = 100;
    }

    [Option("students", "Students M per scale (the ensemble whose variance is part of the score; 1 = regression error only).", Min = 1, Max = 16)]
    public int Students { get; init; } = 3;

    [Option("crop-size", "Students train on random crops of this size of the working image (the thesis: the whole image).", Min = 1, Max = 2048, DefaultText = "the whole image")]
    public int? CropSize { get; init; }

    internal override string MethodId => StudentTeacherMethod.MethodId;
    internal int EffectiveCrop => CropSize ?? ImageSize;

    public override void Validate()
    {
        base.Validate();
        if (EffectiveCrop > ImageSize) throw new InspectaUserException($"{MethodId}: --crop-size {EffectiveCrop} is larger than --image-size {ImageSize}.");
    }
}
