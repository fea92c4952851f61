using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.Distillation;

/// <summary>
/// What the teacher–student methods share: the frozen ResNet-18 teacher imported from the backbone, RGB input at the
/// working square, training through <see cref="Trainer"/> (progress, checkpoints, Ctrl-C, determinism), prediction
/// under one lock with <c>no_grad</c>, the map zoomed to the input size, and the model file (options, the teacher's
/// backbone by SHA-256, the trained networks' weights). A method supplies its networks, its training step and its map.
/// </summary>
public abstract class DistillationDetector<TOptions> : IAnomalyDetector where TOptions : TeacherOptions
{
    private readonly Lock _gate = new();
    private TeacherBackbone? _backbone;
    private ResNet18? _teacher;
    private IReadOnlyList<(string Name, nn.Module Module)>? _networks;
    private JsonObject _training = new();

    protected DistillationDetector(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public abstract string Method { get; }
    public TOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _networks?.Sum(n => ModuleWeights.ParameterCount(n.Module)) ?? 0;
    protected int Size => Options.ImageSize;

    /// <summary>Fresh trainable networks, named as their weights are in the model file.</summary>
    protected abstract IReadOnlyList<(string Name, nn.Module Module)> BuildNetworks();

    /// <summary>The training step (and the optimisers it owns; disposed after training when it is disposable).</summary>
    protected abstract ITrainingTask CreateTask(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, TrainingOptions training,
        JsonObject architecture);

    /// <summary>ImageNet-normalised N×3×S×S → N×1×S×S anomaly map (eval mode, under no_grad).</summary>
    protected abstract Tensor Map(ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> networks, Tensor input);

    /// <summary>Gaussian smoothing of the map at the working resolution (σ in pixels; 0 = none).</summary>
    protected virtual float SmoothingSigma => 0;

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = Options.ToTrainingOptions(context, Method);
        var backbone = TeacherBackbone.Resolve(Options.Backbone);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var teacher = backbone.Import();
        var networks = BuildNetworks();
        try
        {
            var task = CreateTask(teacher, networks, t, Architecture(backbone));
            try
            {
                var result = Trainer.Run(Method, task, data.Train, data.Validation, t, context.Progress, context.Epochs, context.Cancellation);
                History = result.History;
                _training = new JsonObject
                {
                    ["epochs_run"] = result.History.Count, ["best_epoch"] = result.BestEpoch, ["stopped_early"] = result.StoppedEarly,
                    ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
                };
            }
            finally
            {
                (task as IDisposable)?.Dispose();
            }
        }
        catch
        {
            teacher.Dispose();
            foreach (var (_, m) in networks) m.Dispose();
            throw;
        }
        Release();
        (_backbone, _teacher, _networks) = (backbone, teacher, networks);
    }

    /// <summary>What a checkpoint must share with this fit to be resumed.</summary>
    private JsonObject Architecture(TeacherBackbone backbone) => new()
    {
        ["method"] = Method, ["image_size"] = Size, ["teacher_sha256"] = backbone.Sha256,
        ["networks"] = new JsonArray([.. BuildDescription()]),
    };

    /// <summary>Extra architecture fields a checkpoint must match (the method's own sizes).</summary>
    protected virtual IEnumerable<JsonNode> BuildDescription() => [];

    public Prediction Predict(Sample sample)
    {
        if (_teacher is null || _networks is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var image = sample.LoadImage();
        var rgb = RgbInput.Prepare(image, Size);
        float[] data;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var map = Map(_teacher, _networks, RgbInput.Normalize(RgbInput.ToTensor(rgb)));
            data = map.reshape(Size * Size).contiguous().data<float>().ToArray();
        }
        var result = new AnomalyMap(Size, Size, data);
        if (SmoothingSigma > 0) result = GaussianBlur.Apply(result, SmoothingSigma);
        if (result.Height != image.Height || result.Width != image.Width) result = Resize.Bilinear(result, image.Height, image.Width);
        return new Prediction(result.Max(), result);
    }

    /// <summary>Bilinear zoom of N×1×h×w maps to the working square.</summary>
    protected Tensor ToWorkingSize(Tensor map) =>
        nn.functional.interpolate(map, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>N×1×h×w maps of several scales, each zoomed to the working square, averaged.</summary>
    protected Tensor MeanAtWorkingSize(IReadOnlyList<Tensor> maps)
    {
        var sum = ToWorkingSize(maps[0]);
        for (int l = 1; l < maps.Count; l++) sum = sum.Plus(ToWorkingSize(maps[l]));
        return sum.Times(1.0 / maps.Count);
    }

    /// <summary>Per scale 1 − cos per position, zoomed to the working square, folded with <paramref name="combine"/> (product, sum).</summary>
    protected Tensor ScaleMaps(Tensor[] a, Tensor[] b, Func<Tensor, Tensor, Tensor> combine)
    {
        var map = ToWorkingSize(CosineDistance(a[0], b[0]));
        for (int l = 1; l < a.Length; l++) map = combine(map, ToWorkingSize(CosineDistance(a[l], b[l])));
        return map;
    }

    /// <summary>The multi-scale cosine loss: per scale the mean over positions of 1 − cos, summed over scales.</summary>
    protected static Tensor PyramidLoss(Tensor[] a, Tensor[] b)
    {
        Tensor? loss = null;
        for (int l = 0; l < a.Length; l++)
        {
            var term = CosineDistance(a[l], b[l]).mean();
            loss = loss is null ? term : loss.Plus(term);
        }
        return loss!;
    }

    /// <summary>Per-position 1 − cosine similarity along channels: N×C×h×w pairs → N×1×h×w.</summary>
    protected static Tensor CosineDistance(Tensor a, Tensor b) =>
        From(1, nn.functional.cosine_similarity(a, b, dim: 1).unsqueeze(1));

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_networks is null || _backbone is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        _backbone.WriteTo(p);
        TrainedState.Write(p, _training, History, ParameterCount);
        foreach (var (name, module) in _networks) ModuleWeights.Save(module, name, writer);
    }

    /// <summary>Loads the trained networks (refusing weights that do not fit them), then imports the teacher the model was fitted with.</summary>
    protected static TDetector Load<TDetector>(TDetector detector, ModelReader reader) where TDetector : DistillationDetector<TOptions>
    {
        ArgumentNullException.ThrowIfNull(reader);
        var backbone = TeacherBackbone.Read(reader);
        var networks = detector.BuildNetworks();
        ResNet18? teacher = null;
        try
        {
            foreach (var (name, module) in networks)
            {
                ModuleWeights.Load(module, name, reader);
                module.eval();
            }
            teacher = backbone.Import();
        }
        catch
        {
            foreach (var (_, m) in networks) m.Dispose();
            throw;
        }
        (detector._backbone, detector._teacher, detector._networks) = (backbone, teacher, networks);
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private void Release()
    {
        _teacher?.Dispose();
        if (_networks is not null) foreach (var (_, m) in _networks) m.Dispose();
        (_teacher, _networks) = (null, null);
    }

    public void Dispose() => Release();
}
