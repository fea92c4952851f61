using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Uninformed Students (Bergmann et al. 2020; thesis §5): per receptive field a patch teacher distilled from the
/// pretrained ResNet-18 (decorrelated, compact descriptors), then frozen, and an ensemble of students regressing its
/// normalised dense descriptors on good images. Map per scale: regression error of the ensemble mean plus predictive
/// variance, each normalised with its mean and standard deviation over the good validation pixels; the scales are
/// averaged, the map zoomed to the input size; image score = the map's maximum. Teachers and students run densely over
/// the whole (reflection-padded) image in one pass (<see cref="PatchNetwork"/>).
/// </summary>
public sealed class StudentTeacherDetector(StudentTeacherOptions options) : PatchTeacherDetector<StudentTeacherOptions>(options)
{
    public override string Method => StudentTeacherMethod.MethodId;

    protected override void Describe(JsonObject architecture) => architecture["students"] = Options.Students;

    private protected override IPatchScale FitScale(PatchNetworkLayout layout, ScaleFit fit, List<TrainingEpoch> history)
    {
        var students = Enumerable.Range(0, Options.Students).Select(i => new PatchNetwork(layout, $"student{i}")).ToArray();
        var scale = new ScaleEnsemble(layout, fit.Teacher, students);
        try
        {
            scale.SetDescriptorStatistics(fit.Train);
            // Crops padded with the real image context around them (reflection only at the image border).
            int sample = Options.EffectiveCrop + layout.Extent - 1;
            var t = fit.Training with { CheckpointPath = fit.Checkpoint() };
            var train = new TrainingImages(PaddedImages.Of(fit.Train, layout.Padding), sample, Augmentation.None, t.Seed);
            var validation = new TrainingImages(PaddedImages.Of(fit.ValidationImages, layout.Padding), sample, Augmentation.None, t.Seed);
            var (mean, std) = scale.StatisticsTensors();
            using (mean)
            using (std)
            using (var task = StudentEnsembleTask.Create(scale.Teacher, scale.Students, mean, std, t, fit.Architecture))
                history.AddRange(Trainer.Run(Method, task, train, validation, t, fit.Sinks.Progress, fit.Sinks.Epochs, fit.Sinks.Cancellation).History);
            scale.Calibrate(fit.ValidationImages);
            return scale;
        }
        catch
        {
            scale.Dispose();
            throw;
        }
    }

    private protected override IPatchScale LoadScale(ModelReader reader, PatchNetworkLayout layout) => ScaleEnsemble.Load(reader, layout, Options.Students);

    public static StudentTeacherDetector Load(ModelReader reader, StudentTeacherOptions options) => Load(new StudentTeacherDetector(options), reader);
}
