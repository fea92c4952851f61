using Inspecta.Detectors.Options;
using Inspecta.Features;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Options of <c>--method student-teacher</c> (Uninformed Students, thesis §5, MVTec AD configuration): 256×256 RGB,
/// receptive fields 17, 33 and 65, M = 3 students per scale trained 100 epochs with batch 1, Adam lr 10⁻⁴, weight decay
/// 10⁻⁵; teachers distilled from the pretrained ResNet-18 with Adam lr 2·10⁻⁴, batch 64 and 5·10⁴ iterations
/// (--teacher-epochs × --teacher-samples-per-epoch / --teacher-batch-size). An epoch of the students draws
/// --samples-per-epoch images with replacement.
/// </summary>
public sealed record StudentTeacherOptions : TrainedMethodOptions
{
    public StudentTeacherOptions()
    {
        LearningRate = 1e-4;
        WeightDecay = 1e-5;
        BatchSize = 1;
        SamplesPerEpoch = 256;
        Epochs = 100;
    }

    [Option("backbone", "The pretrained network the teachers are distilled from: the built-in resnet18 (default) or a file with its exact layout.", Persist = false)]
    public string Backbone { get; init; } = BackbonePreset.DefaultName;

    [Option("image-size", "Working resolution: every image is converted to RGB and zoomed to this square; at least the largest receptive field.", Min = 17, Max = 2048)]
    public int ImageSize { get; init; } = 256;

    [Option("scales", "Receptive fields p of the patch networks (17, 33, 65); the map is the average over the scales.")]
    public IReadOnlyList<int> Scales { get; init; } = [17, 33, 65];

    [Option("students", "Students M per scale (the ensemble whose variance is part of the score; 1 = regression error only).", Min = 1, Max = 16)]
    public int Students { get; init; } = 3;

    [Option("width", "Channels of the patch networks' first layers (the thesis: 128; the 256-channel layers are twice this).", Min = 4, Max = 512)]
    public int Width { get; init; } = 128;

    [Option("descriptor-dim", "Descriptor dimension d of teachers and students.", Min = 2, Max = 1024)]
    public int DescriptorDim { get; init; } = 128;

    [Option("crop-size", "Students train on random crops of this size of the working image (the thesis: the whole image).", Min = 1, Max = 2048, DefaultText = "the whole image")]
    public int? CropSize { get; init; }

    [Option("teachers", "Take the pretrained teachers from this student-teacher (or gcad) model instead of distilling new ones; its scales, width and descriptor dim must match.", Persist = false, DefaultText = "distil new teachers")]
    public string? Teachers { get; init; }

    [Option("teacher-data", "Images the teachers are distilled on: the training images, or those plus good images of every synthetic category.", Choices = [TeacherDataChoice.Train, TeacherDataChoice.TrainAndSynthetic])]
    public string TeacherData { get; init; } = TeacherDataChoice.TrainAndSynthetic;

    [Option("synthetic-images", "Good images per synthetic category for --teacher-data train+synthetic.", Min = 1, Max = 10_000)]
    public int SyntheticImages { get; init; } = 16;

    [Option("teacher-epochs", "Teacher pretraining epochs.", Min = 1, Max = 100_000)]
    public int TeacherEpochs { get; init; } = 100;

    [Option("teacher-samples-per-epoch", "Patches per teacher epoch.", Min = 1, Max = 100_000_000)]
    public int TeacherSamplesPerEpoch { get; init; } = 32_000;

    [Option("teacher-batch-size", "Patches per teacher step.", Min = 2, Max = 65_536)]
    public int TeacherBatchSize { get; init; } = 64;

    [Option("teacher-learning-rate", "Teacher pretraining learning rate.", Above = 0)]
    public double TeacherLearningRate { get; init; } = 2e-4;

    internal int LargestField => Scales.Max();
    internal int EffectiveCrop => CropSize ?? ImageSize;

    public override void Validate()
    {
        const string m = StudentTeacherMethod.MethodId;
        if (Scales.Count == 0) throw new InspectaUserException($"{m}: --scales needs at least one receptive field.");
        foreach (int p in Scales)
            if (!PatchNetworkLayout.Supported.Contains(p))
                throw new InspectaUserException($"{m}: --scales: {p} is not a receptive field of the patch networks ({string.Join(", ", PatchNetworkLayout.Supported)}).");
        if (Scales.Distinct().Count() != Scales.Count) throw new InspectaUserException($"{m}: --scales lists a receptive field twice.");
        if (ImageSize < LargestField)
            throw new InspectaUserException($"{m}: --image-size {ImageSize} is smaller than the largest receptive field {LargestField} (--scales).");
        if (EffectiveCrop > ImageSize) throw new InspectaUserException($"{m}: --crop-size {EffectiveCrop} is larger than --image-size {ImageSize}.");
    }
}
