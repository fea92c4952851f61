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

    internal IReadOnlyList<PatchNetworkLayout> Layouts => [.. Options.Scales.Select(p => new PatchNetworkLayout(p, Options.Width, Options.DescriptorDim))];

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = Options.ToTrainingOptions(context, Method);
        CheckImageSizes(Method, context.Train.Concat(context.Validation), Options.LargestField);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        if (data.Validation is null)
            throw new InspectaUserException($"{Method}: the maps are normalised on good validation images, and a single training image leaves none; give at least 2 images or --validation.");
        var sinks = new FitSinks(context.Progress, context.Epochs, context.Cancellation);
        TorchRuntime.SetThreads(t.Threads);
        var layouts = Layouts;
        var history = new List<TrainingEpoch>();
        var scales = new List<ScaleEnsemble>();
        PatchNetwork[]? given = Options.Teachers is { } file ? PatchTeachers.Read(file, layouts, Method) : null;
        ResNet18? backbone = null;
        TeacherBackbone? source = null;
        int phase = 0;
        string? Checkpoint() => t.CheckpointPath is { } c ? phase++ == 0 ? c : $"{c}.{phase}" : null;
        try
        {
            List<ImageF>? pretraining = null;
            if (given is null)
            {
                source = TeacherBackbone.Resolve(Options.Backbone);
                backbone = source.Import();
                pretraining = PatchTeachers.PretrainingImages(data.Train.Images, Size, Options.LargestField, Options.TeacherData, Options.SyntheticImages, t.Seed);
            }
            for (int s = 0; s < layouts.Count; s++)
            {
                var layout = layouts[s];
                TorchRuntime.Seed(t.Seed + (ulong)s);
                var teacher = given?[s] ?? new PatchNetwork(layout, "teacher");
                var students = Enumerable.Range(0, Options.Students).Select(i => new PatchNetwork(layout, $"student{i}")).ToArray();
                var scale = new ScaleEnsemble(layout, teacher, students);
                scales.Add(scale);
                var architecture = new JsonObject { ["method"] = Method, ["image_size"] = Size, ["layout"] = layout.ToJson(), ["students"] = Options.Students,
                    ["teacher_data"] = Options.TeacherData, ["teachers"] = Options.Teachers is null ? "distilled" : "given" };
                if (given is null)
                {
                    var teacherOptions = t with
                    {
                        Epochs = Options.TeacherEpochs, SamplesPerEpoch = Options.TeacherSamplesPerEpoch, BatchSize = Options.TeacherBatchSize,
                        LearningRate = Options.TeacherLearningRate, Patience = null, CheckpointPath = Checkpoint(),
                    };
                    history.AddRange(PatchTeachers.Distil(Method, backbone!, teacher, pretraining!, data.Validation.Images, teacherOptions, architecture, sinks).History);
                }
                foreach (var p in teacher.parameters()) p.requires_grad = false;
                teacher.eval();
                history.AddRange(TrainStudents(scale, data, t with { CheckpointPath = Checkpoint() }, architecture, sinks));
                scale.Calibrate(Padded(data.Validation.Images, layout.Padding, 0).Select(Batch));
                context.Cancellation.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            foreach (var s in scales) s.Dispose();
            if (given is not null) foreach (var g in given.Skip(scales.Count)) g.Dispose();
            throw;
        }
        finally
        {
            backbone?.Dispose();
        }
        Release();
        _scales = [.. scales];
        History = history;
        _training = new JsonObject
        {
            ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
            ["teachers"] = source is null ? new JsonObject { ["from_model"] = Options.Teachers } : new JsonObject
            {
                ["distilled_from"] = new JsonObject { ["name"] = source.Name, ["sha256"] = source.Sha256 }, ["data"] = Options.TeacherData,
                ["synthetic_images_per_category"] = Options.TeacherData == TeacherDataChoice.TrainAndSynthetic ? Options.SyntheticImages : 0,
            },
        };
    }

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

    private IReadOnlyList<TrainingEpoch> TrainStudents(ScaleEnsemble scale, TrainingData data, TrainingOptions options, JsonObject architecture, FitSinks sinks)
    {
        var layout = scale.Layout;
        scale.SetDescriptorStatistics(Padded(data.Train.Images, layout.Padding, 0).Select(Batch));
        int sample = Options.EffectiveCrop + layout.Extent - 1;
        var train = new TrainingImages(Padded(data.Train.Images, layout.Padding, 0), sample, Augmentation.None, options.Seed);
        var validation = new TrainingImages(Padded(data.Validation!.Images, layout.Padding, 0), sample, Augmentation.None, options.Seed);
        var (mean, std) = scale.DescriptorStatistics();
        using (mean)
        using (std)
        using (var task = new StudentEnsembleTask(scale.Teacher, scale.Students, mean, std, options, architecture))
        {
            var result = Trainer.Run(Method, task, train, validation, options, sinks.Progress, sinks.Epochs, sinks.Cancellation);
            return result.History;
        }
    }

    /// <summary>Images reflection-padded by (before, after) (+ extra on both sides), as the dense networks read them at prediction.</summary>
    private static List<ImageF> Padded(IReadOnlyList<ImageF> images, (int Before, int After) pad, int extra)
    {
        var result = new List<ImageF>(images.Count);
        foreach (var img in images)
        {
            using var scope = NewDisposeScope();
            using var x = tensor(img.Data, [1, img.Channels, img.Height, img.Width]);
            long b = pad.Before + extra, a = pad.After + extra;
            var padded = nn.functional.pad(x, [b, a, b, a], PaddingModes.Reflect).contiguous();
            result.Add(new ImageF(img.Channels, (int)padded.shape[2], (int)padded.shape[3], padded.data<float>().ToArray()));
        }
        return result;
    }

    /// <summary>A padded image as a normalised 1×3×H×W batch.</summary>
    private static Tensor Batch(ImageF image) => RgbInput.Normalize(RgbInput.ToTensor(image));

    public Prediction Predict(Sample sample)
    {
        if (_scales is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var image = sample.LoadImage();
        var rgb = RgbInput.Prepare(image, Size);
        float[] data;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = RgbInput.Normalize(RgbInput.ToTensor(rgb));
            Tensor? sum = null;
            foreach (var s in _scales)
            {
                var score = s.Score(x);
                sum = sum is null ? score : sum + score;
            }
            var map = sum! / ScalarTensor.Of(_scales.Length);
            data = map.reshape(Size * Size).contiguous().data<float>().ToArray();
        }
        var result = new AnomalyMap(Size, Size, data);
        if (result.Height != image.Height || result.Width != image.Width) result = Resize.Bilinear(result, image.Height, image.Width);
        return new Prediction(result.Max(), result);
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
