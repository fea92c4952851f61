using Inspecta.Detectors.Options;
using Inspecta.Features;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Options of the methods built on the patch teachers of Uninformed Students (student-teacher, gcad): working size, the
/// receptive fields, the patch networks' size, and how the teachers are obtained — distilled from the pretrained ResNet-18
/// (thesis §5.2.1: Adam lr 2·10⁻⁴, batch 64, 5·10⁴ iterations = --teacher-epochs × --teacher-samples-per-epoch /
/// --teacher-batch-size) or taken from an earlier model with --teachers.
/// </summary>
public abstract record PatchTeacherOptions : TrainedMethodOptions
{
    [Option("backbone", "The pretrained network the teachers are distilled from: the built-in resnet18 (default) or a file with its exact layout.", Persist = false)]
    public string Backbone { get; init; } = BackbonePreset.DefaultName;

    [Option("image-size", "Working resolution: every image is converted to RGB and zoomed to this square; at least the largest receptive field.", Min = 17, Max = 2048)]
    public int ImageSize { get; init; } = 256;

    [Option("scales", "Receptive fields p of the patch teachers (17, 33, 65); the map is the average over the scales.")]
    public IReadOnlyList<int> Scales { get; init; } = [17, 33, 65];

    [Option("width", "Channels of the patch networks' first layers (the thesis: 128; the 256-channel layers are twice this).", Min = 4, Max = 512)]
    public int Width { get; init; } = 128;

    [Option("descriptor-dim", "Descriptor dimension d of the teachers (and students).", Min = 2, Max = 1024)]
    public int DescriptorDim { get; init; } = 128;

    [Option("teachers", "Take the pretrained teachers from this student-teacher or gcad model instead of distilling new ones; its scales, width and descriptor dim must match.",
        Persist = false, DefaultText = "distil new teachers")]
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

    /// <summary>The method's id, for messages.</summary>
    internal abstract string MethodId { get; }
    internal int LargestField => Scales.Max();
    internal IReadOnlyList<PatchNetworkLayout> Layouts => [.. Scales.Select(p => new PatchNetworkLayout(p, Width, DescriptorDim))];

    public override void Validate()
    {
        string m = MethodId;
        if (Scales.Count == 0) throw new InspectaUserException($"{m}: --scales needs at least one receptive field.");
        foreach (int p in Scales)
            if (!PatchNetworkLayout.Supported.Contains(p))
                throw new InspectaUserException($"{m}: --scales: {p} is not a receptive field of the patch networks ({string.Join(", ", PatchNetworkLayout.Supported)}).");
        if (Scales.Distinct().Count() != Scales.Count) throw new InspectaUserException($"{m}: --scales lists a receptive field twice.");
        if (ImageSize < LargestField)
            throw new InspectaUserException($"{m}: --image-size {ImageSize} is smaller than the largest receptive field {LargestField} (--scales).");
    }
}
