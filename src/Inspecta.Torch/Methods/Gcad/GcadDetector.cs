using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Methods.StudentTeacher;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// GCAD, global context anomaly detection (Bergmann et al. 2022; thesis §7): per receptive field the frozen Uninformed
/// Students teacher as local encoder, a global encoder whose information must pass a g-dimensional bottleneck once its
/// skip connections have faded, distilled towards the local features through U, and two U-Nets regressing the local
/// and the global features. Logical anomalies (a missing part, a wrong count, a broken pairing) break the global
/// features' predictability; structural ones the local. Map: the two validation-normalised regression errors summed,
/// averaged over the scales, zoomed to the input size; score = the maximum.
/// </summary>
public sealed class GcadDetector : IAnomalyDetector
{
    private readonly Lock _gate = new();
    private GcadScale[]? _scales;
    private JsonObject _training = new();

    public GcadDetector(GcadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public string Method => GcadMethod.MethodId;
    public GcadOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _scales?.Sum(s => s.ParameterCount) ?? 0;
    private int Size => Options.ImageSize;

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = Options;
        var t = o.ToTrainingOptions(context, Method);
        StudentTeacherDetector.CheckImageSizes(Method, context.Train.Concat(context.Validation), o.LargestField);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        var validation = StudentTeacherDetector.RequireValidation(Method, data);
        var sinks = new FitSinks(context.Progress, context.Epochs, context.Cancellation);
        TorchRuntime.SetThreads(t.Threads);
        var history = new List<TrainingEpoch>();
        var scales = new List<GcadScale>();
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
                        ["method"] = Method, ["image_size"] = Size, ["layout"] = layout.ToJson(), ["global_dim"] = o.GlobalDim, ["bottleneck"] = o.Bottleneck,
                        ["global_width"] = o.GlobalWidth, ["unet_width"] = o.UNetWidth, ["skip_fade_epochs"] = o.SkipFadeEpochs, ["teachers"] = o.Teachers is null ? "distilled" : "given",
                    };
                    TorchRuntime.Seed(t.Seed + (ulong)s);
                    var teacher = source.Teacher(s, data.Train.Images, validation, t, Checkpoint, architecture, sinks, history);
                    TorchRuntime.Seed(t.Seed + 1000 + (ulong)s);
                    var scale = new GcadScale(o, layout, teacher);
                    scales.Add(scale);
                    (scale.Mean, scale.Std) = DescriptorStatistics.Compute(teacher, data.Train.Images);
                    history.AddRange(Train(scale, data, t, architecture, Checkpoint, sinks));
                    Calibrate(scale, validation);
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

    /// <summary>The two-phase schedule: E_glo, U and R_loc first; then R_glo joins.</summary>
    private List<TrainingEpoch> Train(GcadScale scale, TrainingData data, TrainingOptions t, JsonObject architecture, Func<string?> checkpoint, FitSinks sinks)
    {
        var o = Options;
        var history = new List<TrainingEpoch>();
        using var optimizer = Optimizers.Create(t.Optimizer, scale.Trained.SelectMany(m => m.Module.parameters()), t.LearningRate, t.WeightDecay);
        string p = $"p{scale.Layout.ReceptiveField}";
        if (o.FirstPhaseEpochs > 0)
        {
            var first = new GcadTask($"gcad-local-{p}", scale, global: false, optimizer, architecture);
            history.AddRange(Trainer.Run(Method, first, data.Train, data.Validation, t with { Epochs = o.FirstPhaseEpochs, Patience = null, CheckpointPath = checkpoint() },
                sinks.Progress, sinks.Epochs, sinks.Cancellation).History);
        }
        var second = new GcadTask($"gcad-global-{p}", scale, global: true, optimizer, architecture);
        history.AddRange(Trainer.Run(Method, second, data.Train, data.Validation, t with { Epochs = o.Epochs - o.FirstPhaseEpochs, CheckpointPath = checkpoint() },
            sinks.Progress, sinks.Epochs, sinks.Cancellation).History);
        return history;
    }

    /// <summary>μ and σ of A_loc and A_glo over every pixel of the good validation images.</summary>
    private static void Calibrate(GcadScale scale, IReadOnlyList<ImageF> validation)
    {
        var (local, global) = (new MapStatistics(), new MapStatistics());
        using var _ = no_grad();
        foreach (var img in validation)
        {
            using var scope = NewDisposeScope();
            var (l, g) = scale.Maps(PaddedImages.Batch(img));
            local.Add(l);
            global.Add(g);
        }
        var ((lm, ls), (gm, gs)) = (local.Result(), global.Result());
        scale.Calibration = (lm, ls, gm, gs);
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

    public static GcadDetector Load(ModelReader reader, GcadOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var detector = new GcadDetector(options);
        var scales = new List<GcadScale>();
        try
        {
            foreach (var layout in options.Layouts) scales.Add(GcadScale.Load(reader, options, layout));
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
