using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// EfficientAD-S. Fit: (1) the PDN-S teacher is distilled from the backbone (<see cref="TeacherDistillationTask"/>) or
/// taken from an earlier efficientad model (--teacher), then frozen and its descriptors standardised on the training
/// images; (2) the 768-channel PDN-S student and the autoencoder train together (<see cref="StudentTask"/>); (3) the
/// two maps are quantile-normalised on the validation images (<see cref="MapQuantiles"/>). Predict runs only the three
/// small networks (no backbone): the student–teacher map (mean over channels of the squared error of the student's
/// first 384 channels) and the student–autoencoder map (of its second 384), combined, padded by 4 cells to the image
/// grid (the PDN's output i sits at pixel ≈ 4i + 16) and zoomed to the input; image score = the map's maximum.
/// The model file holds all three networks' weights, the teacher's normalisation and the quantiles; the backbone it was
/// distilled from is recorded by SHA-256 but not needed to predict.
/// </summary>
public sealed class EfficientAdDetector : IAnomalyDetector
{
    public const int TeacherChannels = 384;
    private const int GridPad = 4;

    /// <summary>The photometric jitter of the training images (the paper's brightness / contrast / saturation factors in [0.8, 1.2]).</summary>
    private static readonly Augmentation Jitter = new(Brightness: 0.1, Contrast: 0.2);

    private readonly Lock _gate = new();
    private Networks? _nets;
    private JsonObject _training = new();
    private JsonObject _backbone = new();

    public EfficientAdDetector(EfficientAdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public string Method => EfficientAdMethod.MethodId;
    public EfficientAdOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _nets?.Modules.Sum(m => ModuleWeights.ParameterCount(m.Module)) ?? 0;
    private int Size => Options.ImageSize;

    private sealed record Networks(PatchDescriptionNetwork Teacher, PatchDescriptionNetwork Student, EfficientAdAutoencoder Autoencoder) : IDisposable
    {
        public TeacherNormalization? Normalization { get; set; }
        public MapQuantiles? Quantiles { get; set; }

        public IReadOnlyList<(string Name, nn.Module Module)> Modules => [("teacher", Teacher), ("student", Student), ("autoencoder", Autoencoder)];

        public void Dispose()
        {
            Teacher.Dispose();
            Student.Dispose();
            Autoencoder.Dispose();
            Normalization?.Dispose();
        }
    }

    private Networks Build() => new(new PatchDescriptionNetwork(TeacherChannels, "teacher"), new PatchDescriptionNetwork(2 * TeacherChannels, "student"),
        new EfficientAdAutoencoder(Size, TeacherChannels));

    /// <summary>What a checkpoint of a phase must share with this fit to be resumed.</summary>
    private JsonObject Architecture(string phase, string teacherSha) => new()
    {
        ["method"] = Method, ["phase"] = phase, ["image_size"] = Size, ["teacher_source_sha256"] = teacherSha,
        ["teacher_channels"] = TeacherChannels, ["hard_quantile"] = Options.HardQuantile,
    };

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = Options.ToTrainingOptions(context, Method);
        TeacherBackbone? backbone = Options.Teacher is null ? TeacherBackbone.Resolve(Options.Backbone) : null;
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Jitter);
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var nets = Build();
        try
        {
            List<TrainingEpoch> history = [];
            JsonObject backboneRecord;
            string source;
            int teacherEpochs = 0;
            if (Options.Teacher is { } teacherFile)
            {
                backboneRecord = ReuseTeacher(teacherFile, nets.Teacher);
                source = ModelCache.Sha256Of(teacherFile);
            }
            else
            {
                backboneRecord = new JsonObject();
                backbone!.WriteTo(backboneRecord);
                backboneRecord = backboneRecord["backbone"]!.AsObject().DeepClone().AsObject();
                source = backbone.Sha256;
                using var resnet = backbone.Import();
                var teacherOptions = t with { Epochs = Options.TeacherEpochs, LearningRate = Options.TeacherLearningRate, Patience = null };
                using var task = new TeacherDistillationTask(resnet, nets.Teacher, teacherOptions, Architecture("teacher", source), data.Train, Size);
                var result = Trainer.Run(Method, task.Task, data.Train, data.Validation, teacherOptions, context.Progress, context.Epochs, context.Cancellation);
                history.AddRange(result.History);
                teacherEpochs = result.History.Count;
            }
            nets.Teacher.eval();
            foreach (var p in nets.Teacher.parameters()) p.requires_grad = false;
            var (mean, std) = ChannelStatistics.Of(data.Train, t.BatchSize, nets.Teacher.forward, context.Cancellation);
            nets.Normalization = new TeacherNormalization(mean, std);

            // With --teacher there is no teacher phase: the student's checkpoint is the fit's own.
            var studentOptions = t with { CheckpointPath = t.CheckpointPath is { } c && Options.Teacher is null ? c + ".student" : t.CheckpointPath };
            using (var task = StudentTask.Create(nets.Teacher, nets.Student, nets.Autoencoder, nets.Normalization, studentOptions, Options.HardQuantile,
                       Architecture("student", source)))
            {
                var result = Trainer.Run(Method, task, data.Train, data.Validation, studentOptions, context.Progress, context.Epochs, context.Cancellation);
                history.AddRange(result.History);
                _training = new JsonObject
                {
                    ["teacher_epochs_run"] = teacherEpochs, ["student_epochs_run"] = result.History.Count, ["best_epoch"] = result.BestEpoch,
                    ["stopped_early"] = result.StoppedEarly, ["teacher"] = Options.Teacher is null ? "distilled" : "reused",
                    ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
                };
            }
            foreach (var (_, m) in nets.Modules) m.eval();
            // The quantiles come from images the student did not train on: the validation split (carved from train when there is none).
            var calibration = data.Validation ?? data.Train;
            nets.Quantiles = MapQuantiles.From(RawMaps(nets, calibration, t.BatchSize, context.Cancellation));
            Release();
            (_nets, _backbone, History) = (nets, backboneRecord, history);
        }
        catch
        {
            nets.Dispose();
            throw;
        }
    }

    /// <summary>Loads the teacher of an earlier efficientad model; anything else is a user error naming the file.</summary>
    private static JsonObject ReuseTeacher(string path, PatchDescriptionNetwork teacher)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "--teacher: no such model file.");
        var reader = ModelReader.Open(path);
        if (reader.Method != EfficientAdMethod.MethodId)
            throw reader.Error($"--teacher needs an efficientad model; this is a {reader.Method} model, which has no PDN teacher for the student.");
        try
        {
            ModuleWeights.Load(teacher, "teacher", reader);
        }
        catch (InspectaUserException e)
        {
            throw reader.Error($"its teacher does not match the student's architecture (PDN-S, {TeacherChannels} channels): {e.Message}");
        }
        return reader.Parameters["backbone"] as JsonObject is { } b ? b.DeepClone().AsObject() : new JsonObject();
    }

    /// <summary>The raw student–teacher and student–autoencoder maps of ImageNet-normalised N×3×S×S input (eval mode, no_grad).</summary>
    private static (Tensor Student, Tensor Autoencoder) Maps(Networks nets, Tensor x)
    {
        var t = nets.Normalization!.Apply(nets.Teacher.forward(x));
        var s = nets.Student.forward(x);
        var a = nets.Autoencoder.forward(x);
        var st = (t - s.narrow(1, 0, TeacherChannels)).Squared().mean([1], keepdim: true);
        var ae = (a - s.narrow(1, TeacherChannels, TeacherChannels)).Squared().mean([1], keepdim: true);
        return (st, ae);
    }

    private static IEnumerable<(float[] Student, float[] Autoencoder)> RawMaps(Networks nets, TrainingImages images, int batchSize, CancellationToken ct)
    {
        for (int first = 0; first < images.Count; first += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (st, ae) = Maps(nets, RgbInput.Normalize(images.Fixed(first, Math.Min(batchSize, images.Count - first))));
            yield return (st.contiguous().data<float>().ToArray(), ae.contiguous().data<float>().ToArray());
        }
    }

    public Prediction Predict(Sample sample)
    {
        var nets = _nets ?? throw new InvalidOperationException($"{Method} is not fitted.");
        var image = sample.LoadImage();
        var rgb = RgbInput.Prepare(image, Size);
        float[] data;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (st, ae) = Maps(nets, RgbInput.Normalize(RgbInput.ToTensor(rgb)));
            var map = nets.Quantiles!.Combine(st, ae);
            map = nn.functional.pad(map, [GridPad, GridPad, GridPad, GridPad], PaddingModes.Replicate);
            map = nn.functional.interpolate(map, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: false);
            data = map.reshape(Size * Size).contiguous().data<float>().ToArray();
        }
        var result = new AnomalyMap(Size, Size, data);
        if (result.Height != image.Height || result.Width != image.Width) result = Resize.Bilinear(result, image.Height, image.Width);
        return new Prediction(result.Max(), result);
    }

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var nets = _nets ?? throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        p["backbone"] = _backbone.DeepClone();
        p["map_quantiles"] = nets.Quantiles!.ToJson();
        TrainedState.Write(p, _training, History, ParameterCount);
        foreach (var (name, module) in nets.Modules) ModuleWeights.Save(module, name, writer);
        nets.Normalization!.WriteTo(writer);
    }

    /// <summary>Loads the three networks, the normalisation and the quantiles (refusing weights that do not fit them); no backbone is needed.</summary>
    public static EfficientAdDetector Load(ModelReader reader, EfficientAdOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var detector = new EfficientAdDetector(options);
        var nets = detector.Build();
        try
        {
            foreach (var (name, module) in nets.Modules)
            {
                ModuleWeights.Load(module, name, reader);
                module.eval();
            }
            nets.Normalization = TeacherNormalization.Read(reader, TeacherChannels);
            nets.Quantiles = MapQuantiles.Read(reader);
        }
        catch
        {
            nets.Dispose();
            throw;
        }
        detector._nets = nets;
        detector._backbone = reader.Parameters["backbone"] as JsonObject is { } b ? b.DeepClone().AsObject() : new JsonObject();
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private void Release()
    {
        _nets?.Dispose();
        _nets = null;
    }

    public void Dispose() => Release();
}
