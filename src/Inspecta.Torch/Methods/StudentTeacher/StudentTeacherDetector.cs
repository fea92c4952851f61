using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Uninformed Students (Bergmann et al. 2020; thesis §5): per receptive field a patch teacher distilled from the
/// pretrained ResNet-18 (decorrelated, compact descriptors), then frozen, and an ensemble of students regressing its
/// normalised dense descriptors on good images. Map per scale: regression error of the ensemble mean plus predictive
/// variance, each normalised with its mean and standard deviation over the good validation pixels; the scales are
/// averaged, the map zoomed to the input size; image score = the map's maximum. Teachers and students run densely over
/// the whole (reflection-padded) image in one pass (<see cref="PatchNetwork"/>).
/// </summary>
public sealed class StudentTeacherDetector : IAnomalyDetector
{
    private readonly Lock _gate = new();
    private ScaleEnsemble[]? _scales;
    private JsonObject _training = new();

    public StudentTeacherDetector(StudentTeacherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public string Method => StudentTeacherMethod.MethodId;
    public StudentTeacherOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _scales?.Sum(s => s.ParameterCount) ?? 0;
    private int Size => Options.ImageSize;

    internal IReadOnlyList<PatchNetworkLayout> Layouts => Options.Layouts;

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = Options.ToTrainingOptions(context, Method);
        CheckImageSizes(Method, context.Train.Concat(context.Validation), Options.LargestField);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        var validation = RequireValidation(Method, data);
        var sinks = new FitSinks(context.Progress, context.Epochs, context.Cancellation);
        TorchRuntime.SetThreads(t.Threads);
        var layouts = Layouts;
        var history = new List<TrainingEpoch>();
        var scales = new List<ScaleEnsemble>();
        int phase = 0;
        string? Checkpoint() => t.CheckpointPath is { } c ? phase++ == 0 ? c : $"{c}.{phase}" : null;
        JsonObject teachers;
        using (var source = new TeacherSource(Method, Options))
        {
            try
            {
                for (int s = 0; s < layouts.Count; s++)
                {
                    var layout = layouts[s];
                    var architecture = new JsonObject { ["method"] = Method, ["image_size"] = Size, ["layout"] = layout.ToJson(), ["students"] = Options.Students,
                        ["teacher_data"] = Options.TeacherData, ["teachers"] = Options.Teachers is null ? "distilled" : "given" };
                    TorchRuntime.Seed(t.Seed + (ulong)s);
                    var teacher = source.Teacher(s, data.Train.Images, validation, t, Checkpoint, architecture, sinks, history);
                    TorchRuntime.Seed(t.Seed + 1000 + (ulong)s);
                    var students = Enumerable.Range(0, Options.Students).Select(i => new PatchNetwork(layout, $"student{i}")).ToArray();
                    var scale = new ScaleEnsemble(layout, teacher, students);
                    scales.Add(scale);
                    history.AddRange(TrainStudents(scale, data.Train.Images, validation, t with { CheckpointPath = Checkpoint() }, architecture, sinks));
                    scale.Calibrate(validation);
                    context.Cancellation.ThrowIfCancellationRequested();
                }
            }
            catch
            {
                foreach (var s in scales) s.Dispose();
                throw;
            }
            teachers = source.Describe();
        }
        Release();
        _scales = [.. scales];
        History = history;
        _training = new JsonObject
        {
            ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount, ["teachers"] = teachers,
        };
    }

    /// <summary>The good validation images the maps are normalised on; a fit without any is a user error.</summary>
    internal static IReadOnlyList<ImageF> RequireValidation(string method, TrainingData data) => data.Validation?.Images
        ?? throw new InspectaUserException($"{method}: the maps are normalised on good validation images, and this fit has none (one training image and no validation split); " +
                                           "give at least 2 training images or --validation.");

    /// <summary>Images smaller than the largest receptive field cannot hold one patch: a user error naming the file (checked from the header).</summary>
    internal static void CheckImageSizes(string method, IEnumerable<Sample> samples, int field)
    {
        foreach (var s in samples)
        {
            var (w, h) = s.Image is { } img ? (img.Width, img.Height) : s.ReadImageInfo() is var info ? (info.Width, info.Height) : default;
            if (w < field || h < field)
                throw InspectaUserException.ForFile(s.Path is { Length: > 0 } p ? p : s.ToString(),
                    $"{method}: the image is {w}×{h}, smaller than the largest receptive field {field}×{field} (--scales); use larger images or smaller scales.");
        }
    }

    private IReadOnlyList<TrainingEpoch> TrainStudents(ScaleEnsemble scale, IReadOnlyList<ImageF> trainImages, IReadOnlyList<ImageF> validationImages,
        TrainingOptions options, JsonObject architecture, FitSinks sinks)
    {
        var layout = scale.Layout;
        scale.SetDescriptorStatistics(trainImages);
        int sample = Options.EffectiveCrop + layout.Extent - 1;
        var train = new TrainingImages(PaddedImages.Of(trainImages, layout.Padding), sample, Augmentation.None, options.Seed);
        var validation = new TrainingImages(PaddedImages.Of(validationImages, layout.Padding), sample, Augmentation.None, options.Seed);
        var (mean, std) = scale.StatisticsTensors();
        using (mean)
        using (std)
        using (var task = new StudentEnsembleTask(scale.Teacher, scale.Students, mean, std, options, architecture))
            return Trainer.Run(Method, task, train, validation, options, sinks.Progress, sinks.Epochs, sinks.Cancellation).History;
    }

    public Prediction Predict(Sample sample)
    {
        if (_scales is null) throw new InvalidOperationException($"{Method} is not fitted.");
        return MultiScalePrediction.Predict(sample, Size, _gate, [.. _scales.Select(s => (Func<Tensor, Tensor>)s.Score)]);
    }

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_scales is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        TrainedState.Write(p, _training, History, ParameterCount);
        foreach (var s in _scales) s.Save(writer);
    }

    /// <summary>Rebuilds every scale's networks from the options in the manifest and loads them, refusing arrays that do not fit.</summary>
    public static StudentTeacherDetector Load(ModelReader reader, StudentTeacherOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var detector = new StudentTeacherDetector(options);
        var scales = new List<ScaleEnsemble>();
        try
        {
            foreach (var layout in detector.Layouts) scales.Add(ScaleEnsemble.Load(reader, layout, options.Students));
        }
        catch
        {
            foreach (var s in scales) s.Dispose();
            throw;
        }
        detector._scales = [.. scales];
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private void Release()
    {
        if (_scales is not null) foreach (var s in _scales) s.Dispose();
        _scales = null;
    }

    public void Dispose() => Release();
}
