using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// What student-teacher and gcad share: images checked against the largest receptive field, RGB at the working square,
/// the good validation images the maps are normalised on, per scale a frozen teacher (<see cref="TeacherSource"/>) and
/// the method's networks trained in phases through <see cref="Trainer"/> (checkpoints <c>&lt;out&gt;.checkpoint</c>,
/// <c>.checkpoint.1</c>, …), prediction as the average of the scales' maps, and the model file (options, training
/// summary, every scale's arrays under <c>p&lt;p&gt;/</c>).
/// </summary>
public abstract class PatchTeacherDetector<TOptions> : IAnomalyDetector where TOptions : PatchTeacherOptions
{
    private readonly Lock _gate = new();
    private IPatchScale[]? _scales;
    private JsonObject _training = new();

    protected PatchTeacherDetector(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public abstract string Method { get; }
    public TOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _scales?.Sum(s => s.ParameterCount) ?? 0;
    protected int Size => Options.ImageSize;

    /// <summary>The fitting of one scale after its teacher: what the method trains on top of it.</summary>
    private protected sealed record ScaleFit(PatchNetwork Teacher, IReadOnlyList<ImageF> Train, TrainingImages TrainImages, TrainingImages Validation,
        IReadOnlyList<ImageF> ValidationImages, TrainingOptions Training, JsonObject Architecture, Func<string?> Checkpoint, FitSinks Sinks);

    /// <summary>Builds the scale's networks on the teacher (owning it from here on), trains and calibrates them; appends the epochs.</summary>
    private protected abstract IPatchScale FitScale(PatchNetworkLayout layout, ScaleFit fit, List<TrainingEpoch> history);

    /// <summary>The method's sizes a checkpoint must share, added to each scale's architecture.</summary>
    protected abstract void Describe(JsonObject architecture);

    /// <summary>Reads one scale from a model file.</summary>
    private protected abstract IPatchScale LoadScale(ModelReader reader, PatchNetworkLayout layout);

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = Options;
        var t = o.ToTrainingOptions(context, Method);
        CheckImageSizes(context.Train.Concat(context.Validation), o.LargestField);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        var validation = data.Validation?.Images
            ?? throw new InspectaUserException($"{Method}: the maps are normalised on good validation images, and this fit has none (one training image and no validation split); " +
                                               "give at least 2 training images or --validation.");
        var sinks = new FitSinks(context.Progress, context.Epochs, context.Cancellation);
        TorchRuntime.SetThreads(t.Threads);
        var history = new List<TrainingEpoch>();
        var scales = new List<IPatchScale>();
        int phase = 0;
        string? Checkpoint() => t.CheckpointPath is { } c ? phase++ == 0 ? c : $"{c}.{phase}" : null;
        JsonObject teachers;
        using (var source = new TeacherSource(Method, o))
        {
            try
            {
                for (int s = 0; s < o.Layouts.Count; s++)
                {
                    var layout = o.Layouts[s];
                    var architecture = new JsonObject
                    {
                        ["method"] = Method, ["image_size"] = Size, ["layout"] = layout.ToJson(), ["teacher_data"] = o.TeacherData,
                        ["teachers"] = o.Teachers is null ? "distilled" : "given",
                    };
                    Describe(architecture);
                    TorchRuntime.Seed(t.Seed + (ulong)s);
                    var teacher = source.Teacher(s, data.Train.Images, validation, t, Checkpoint, architecture, sinks, history);
                    // The method's networks start from (seed, scale) whether or not the teacher was trained in this process.
                    TorchRuntime.Seed(t.Seed + 1000 + (ulong)s);
                    scales.Add(FitScale(layout, new ScaleFit(teacher, data.Train.Images, data.Train, data.Validation!, validation, t, architecture, Checkpoint, sinks), history));
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

    /// <summary>Images smaller than the largest receptive field cannot hold one patch: a user error naming the file (checked from the header).</summary>
    private void CheckImageSizes(IEnumerable<Sample> samples, int field)
    {
        foreach (var s in samples)
        {
            var (w, h) = s.Image is { } img ? (img.Width, img.Height) : s.ReadImageInfo() is var info ? (info.Width, info.Height) : default;
            if (w < field || h < field)
                throw InspectaUserException.ForFile(s.Path is { Length: > 0 } p ? p : s.ToString(),
                    $"{Method}: the image is {w}×{h}, smaller than the largest receptive field {field}×{field} (--scales); use larger images or smaller scales.");
        }
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

    /// <summary>Rebuilds every scale from the options in the manifest and loads it, refusing arrays that do not fit.</summary>
    protected static TDetector Load<TDetector>(TDetector detector, ModelReader reader) where TDetector : PatchTeacherDetector<TOptions>
    {
        ArgumentNullException.ThrowIfNull(reader);
        var scales = new List<IPatchScale>();
        try
        {
            foreach (var layout in detector.Options.Layouts) scales.Add(detector.LoadScale(reader, layout));
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
