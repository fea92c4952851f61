using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Imaging;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>
/// The reconstruction baselines of the MVTec AD paper: L2-AE (map = squared residual summed over channels), SSIM-AE
/// (map = 1 − per-pixel SSIM, window 11, on grayscale) and the VAE (same networks with a variational bottleneck; map =
/// squared residual of the reconstruction from the posterior mean, so a prediction is deterministic). Maps are
/// computed at the working resolution, averaged over patches for textures, then zoomed bilinearly to the input size;
/// the image score is the map's maximum. Inference runs the trained TorchSharp modules directly (see docs/architecture.md).
/// </summary>
public sealed class AutoencoderDetector : IAnomalyDetector, IDisposable
{
    private readonly AutoencoderOptions? _options;
    private readonly AutoencoderVariant _variant;
    private readonly Preprocessing _preprocessing;
    private readonly PatchGrid _grid;
    private readonly int _ssimWindow;
    private readonly (double C1, double C2) _ssimConstants;
    private readonly Lock _gate = new();
    private AutoencoderArchitecture? _architecture;
    private nn.Module<Tensor, Tensor>? _encoder, _decoder;
    private JsonObject _training = new();

    public string Method => _variant.MethodId();
    public AutoencoderVariant Variant => _variant;
    public AutoencoderArchitecture? Architecture => _architecture;
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _encoder is null ? 0 : ModuleWeights.ParameterCount(_encoder) + ModuleWeights.ParameterCount(_decoder!);

    public AutoencoderDetector(AutoencoderOptions options)
    {
        options.Validate();
        _options = options;
        _variant = options.Variant;
        _preprocessing = new Preprocessing(options.ImageSize, options.EffectiveGrayscale);
        _grid = new PatchGrid(options.EffectiveCrop, options.EffectiveStride);
        _ssimWindow = options.SsimWindow;
        _ssimConstants = options.SsimConstants;
    }

    private AutoencoderDetector(AutoencoderVariant variant, Preprocessing preprocessing, PatchGrid grid, int ssimWindow, (double, double) ssimConstants)
    {
        _variant = variant; _preprocessing = preprocessing; _grid = grid; _ssimWindow = ssimWindow; _ssimConstants = ssimConstants;
    }

    public void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        var options = _options ?? throw new InvalidOperationException("A loaded model cannot be fitted again.");
        var t = options.Training;
        var data = TrainingData.Prepare(Method, good, t, _preprocessing.Apply, _grid.Patch, options.EffectiveAugmentation, ct);
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var architecture = new AutoencoderArchitecture(_grid.Patch, data.Train.Channels, options.Latent, _variant == AutoencoderVariant.Vae);
        var (encoder, decoder) = architecture.Build();
        AutoencoderArchitecture.StartAtMean(decoder, data.Train.ChannelMeans());
        using var optimizer = Optimizers.Create(t.Optimizer, encoder.parameters().Concat(decoder.parameters()), t.LearningRate, t.WeightDecay);
        var task = new AutoencoderTask(_variant, encoder, decoder, optimizer, _ssimWindow, _ssimConstants, Describe(architecture));
        TrainingResult result;
        try
        {
            result = Trainer.Run(Method, task, data.Train, data.Validation, t, progress, options.EpochProgress, ct);
        }
        catch
        {
            encoder.Dispose(); decoder.Dispose();
            throw;
        }
        Release();
        (_architecture, _encoder, _decoder) = (architecture, encoder, decoder);
        History = result.History;
        _training = new JsonObject
        {
            ["epochs"] = t.Epochs, ["epochs_run"] = result.History.Count, ["best_epoch"] = result.BestEpoch, ["stopped_early"] = result.StoppedEarly,
            ["batch_size"] = t.BatchSize, ["samples_per_epoch"] = t.SamplesPerEpoch, ["learning_rate"] = t.LearningRate, ["weight_decay"] = t.WeightDecay,
            ["optimizer"] = t.Optimizer.Name(), ["schedule"] = t.Schedule.Name(), ["patience"] = t.Patience, ["seed"] = t.Seed, ["threads"] = t.Threads,
            ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
        };
    }

    private JsonObject Describe(AutoencoderArchitecture architecture) => new()
    {
        ["variant"] = Method, ["architecture"] = architecture.ToJson(), ["preprocessing"] = _preprocessing.ToJson(),
        ["crop_size"] = _grid.Patch, ["stride"] = _grid.Stride, ["ssim_window"] = _ssimWindow,
        ["ssim_c1"] = _ssimConstants.C1, ["ssim_c2"] = _ssimConstants.C2,
    };

    public Prediction Predict(Sample sample)
    {
        if (_encoder is null || _decoder is null || _architecture is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var input = sample.LoadImage();
        var work = _preprocessing.Apply(input);
        if (work.Channels != _architecture.Channels)
            throw InspectaUserException.ForFile(sample.Path is { Length: > 0 } p ? p : sample.ToString(),
                $"{Method}: the image has {work.Channels} channel(s), the model was trained on {_architecture.Channels}.");
        AnomalyMap map;
        lock (_gate)
        {
            using var _ = no_grad();
            map = _grid.Evaluate(work, ResidualMap);
        }
        if (map.Height != input.Height || map.Width != input.Width) map = Resize.Bilinear(map, input.Height, input.Width);
        return new Prediction(map.Max(), map);
    }

    /// <summary>N×C×P×P patches → N×1×P×P residual maps.</summary>
    private Tensor ResidualMap(Tensor x)
    {
        var code = _encoder!.forward(x);
        if (_variant == AutoencoderVariant.Vae) code = AutoencoderTask.Split(code).Mean;
        var r = _decoder!.forward(code);
        return _variant == AutoencoderVariant.Ssim ? 1 - Ssim.Map(x, r, _ssimWindow, _ssimConstants.C1, _ssimConstants.C2) : (x - r).pow(2).sum([1], keepdim: true);
    }

    public void Save(ModelWriter writer)
    {
        if (_encoder is null || _architecture is null) throw new InvalidOperationException($"{Method} is not fitted.");
        foreach (var (k, v) in Describe(_architecture)) writer.Parameters[k] = v?.DeepClone();
        writer.Parameters["training"] = _training.DeepClone();
        writer.Parameters["history"] = TrainingHistory.ToJson(History);
        writer.Parameters["parameters"] = ParameterCount;
        ModuleWeights.Save(_encoder, "encoder", writer);
        ModuleWeights.Save(_decoder!, "decoder", writer);
    }

    public static AutoencoderDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        var variant = AutoencoderVariants.FromMethod(reader.Method);
        var architecture = AutoencoderArchitecture.FromJson(p["architecture"]!.AsObject());
        if (architecture.Variational != (variant == AutoencoderVariant.Vae) || !AutoencoderArchitecture.IsSupportedSize(architecture.InputSize) || architecture.Channels is < 1 or > 4)
            throw reader.Error("the architecture in the manifest is invalid for this method.");
        var preprocessing = Preprocessing.FromJson(p["preprocessing"]!.AsObject());
        var grid = new PatchGrid(p["crop_size"]!.GetValue<int>(), p["stride"]!.GetValue<int>());
        if (grid.Patch != architecture.InputSize || grid.Patch > preprocessing.ImageSize || grid.Stride < 1)
            throw reader.Error("the crop size, stride and architecture in the manifest do not agree.");
        var detector = new AutoencoderDetector(variant, preprocessing, grid, p["ssim_window"]!.GetValue<int>(),
            (p["ssim_c1"]!.GetValue<double>(), p["ssim_c2"]!.GetValue<double>()));
        var (encoder, decoder) = architecture.Build();
        try
        {
            ModuleWeights.Load(encoder, "encoder", reader);
            ModuleWeights.Load(decoder, "decoder", reader);
        }
        catch
        {
            encoder.Dispose(); decoder.Dispose();
            throw;
        }
        encoder.eval(); decoder.eval();
        (detector._architecture, detector._encoder, detector._decoder) = (architecture, encoder, decoder);
        detector._training = p["training"]?.AsObject().DeepClone().AsObject() ?? new JsonObject();
        detector.History = TrainingHistory.FromJson(p["history"]?.AsArray());
        if (detector._training["threads"]?.GetValue<int>() is int threads) TorchRuntime.SetThreads(threads);
        return detector;
    }

    private void Release()
    {
        _encoder?.Dispose(); _decoder?.Dispose();
        (_encoder, _decoder) = (null, null);
    }

    public void Dispose() => Release();
}
