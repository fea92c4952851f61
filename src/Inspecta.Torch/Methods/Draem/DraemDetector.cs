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

namespace Inspecta.Torch.Methods.Draem;

/// <summary>
/// DRAEM: a reconstructive network learns to turn images with simulated anomalies back into the clean ones, and a
/// discriminative network learns to segment the simulated anomaly from the image and its reconstruction, so at test time
/// it marks what the reconstruction changed. Input: RGB in [0, 1] zoomed to the working square. Map: the anomalous
/// class's softmax probability per pixel, zoomed bilinearly to the input size. Image score: the maximum of the map after
/// a mean filter (--score-window) at the working resolution.
/// </summary>
public sealed class DraemDetector : IAnomalyDetector
{
    private readonly Lock _gate = new();
    private ReconstructiveNetwork? _reconstructive;
    private DiscriminativeNetwork? _discriminative;
    private JsonObject _training = new();

    public DraemDetector(DraemOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public string Method => DraemMethod.MethodId;
    public DraemOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _reconstructive is null ? 0 : ModuleWeights.ParameterCount(_reconstructive) + ModuleWeights.ParameterCount(_discriminative!);
    private int Size => Options.ImageSize;

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = Options.ToTrainingOptions(context, Method);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var synthesizer = new AnomalySynthesizer(AnomalyTextures.Render(Size), t.Seed);
        var (rec, disc) = (new ReconstructiveNetwork(Options.ReconstructiveWidth), new DiscriminativeNetwork(Options.DiscriminativeWidth));
        try
        {
            var optimizer = Optimizers.Create(t.Optimizer, rec.parameters().Concat(disc.parameters()), t.LearningRate, t.WeightDecay);
            using var task = DraemTask.Create(rec, disc, optimizer, synthesizer, Architecture());
            var result = Trainer.Run(Method, task, data.Train, data.Validation, t, context.Progress, context.Epochs, context.Cancellation);
            History = result.History;
            _training = new JsonObject
            {
                ["epochs_run"] = result.History.Count, ["best_epoch"] = result.BestEpoch, ["stopped_early"] = result.StoppedEarly,
                ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
                ["anomaly_source"] = AnomalyTextures.Description,
            };
        }
        catch
        {
            rec.Dispose(); disc.Dispose();
            throw;
        }
        Release();
        (_reconstructive, _discriminative) = (rec, disc);
    }

    /// <summary>What a checkpoint must share with this fit to be resumed.</summary>
    private JsonObject Architecture() => new()
    {
        ["method"] = Method, ["image_size"] = Size, ["reconstructive_width"] = Options.ReconstructiveWidth,
        ["discriminative_width"] = Options.DiscriminativeWidth, ["anomaly_source"] = AnomalyTextures.Description,
    };

    public Prediction Predict(Sample sample)
    {
        if (_reconstructive is null || _discriminative is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var image = sample.LoadImage();
        var rgb = RgbInput.Prepare(image, Size);
        float[] data;
        float score;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = RgbInput.ToTensor(rgb);
            var restored = _reconstructive.forward(x);
            var map = nn.functional.softmax(_discriminative.forward(cat([x, restored], 1)), 1).narrow(1, 1, 1);
            int k = Options.ScoreWindow;
            score = nn.functional.avg_pool2d(map, k, stride: 1, padding: k / 2, count_include_pad: false).max().item<float>();
            data = map.reshape(Size * Size).contiguous().data<float>().ToArray();
        }
        var result = new AnomalyMap(Size, Size, data);
        if (result.Height != image.Height || result.Width != image.Width) result = Resize.Bilinear(result, image.Height, image.Width);
        return new Prediction(score, result);
    }

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_reconstructive is null || _discriminative is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        TrainedState.Write(p, _training, History, ParameterCount);
        ModuleWeights.Save(_reconstructive, "reconstructive", writer);
        ModuleWeights.Save(_discriminative, "discriminative", writer);
    }

    /// <summary>Builds the networks of the stored widths and loads their weights, refusing any that do not fit them.</summary>
    public static DraemDetector Load(ModelReader reader, DraemOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var detector = new DraemDetector(options);
        var (rec, disc) = (new ReconstructiveNetwork(options.ReconstructiveWidth), new DiscriminativeNetwork(options.DiscriminativeWidth));
        try
        {
            ModuleWeights.Load(rec, "reconstructive", reader);
            ModuleWeights.Load(disc, "discriminative", reader);
        }
        catch
        {
            rec.Dispose(); disc.Dispose();
            throw;
        }
        rec.eval(); disc.eval();
        (detector._reconstructive, detector._discriminative) = (rec, disc);
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private void Release()
    {
        _reconstructive?.Dispose(); _discriminative?.Dispose();
        (_reconstructive, _discriminative) = (null, null);
    }

    public void Dispose() => Release();
}
