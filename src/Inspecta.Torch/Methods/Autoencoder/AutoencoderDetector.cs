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
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>
/// The reconstruction baselines of the MVTec AD paper: L2-AE (map = squared residual summed over channels), SSIM-AE
/// (map = 1 − per-pixel SSIM, window 11, on grayscale) and the VAE (same networks with a variational bottleneck; map =
/// squared residual of the reconstruction from the posterior mean, so a prediction is deterministic). Maps are
/// computed at the working resolution, averaged over patches for textures, then zoomed bilinearly to the input size;
/// the image score is the map's maximum. Inference runs the trained TorchSharp modules directly (see docs/architecture.md).
/// </summary>
public sealed class AutoencoderDetector : IAnomalyDetector
{
    private readonly AutoencoderOptions _options;
    private readonly Preprocessing _preprocessing;
    private readonly PatchGrid _grid;
    private readonly int _ssimWindow;
    private readonly (double C1, double C2) _ssimConstants;
    private readonly Lock _gate = new();
    private AutoencoderArchitecture? _architecture;
    private nn.Module<Tensor, Tensor>? _encoder, _decoder;
    private JsonObject _training = new();

    public string Method => Variant.MethodId();
    public AutoencoderVariant Variant => _options.Variant;
    public AutoencoderOptions Options => _options;
    public AutoencoderArchitecture? Architecture => _architecture;
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _encoder is null ? 0 : ModuleWeights.ParameterCount(_encoder) + ModuleWeights.ParameterCount(_decoder!);

    public AutoencoderDetector(AutoencoderOptions options) : this(options, new Preprocessing(options.ImageSize, options.Grayscale)) { }

    private AutoencoderDetector(AutoencoderOptions options, Preprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        _options = options;
        _preprocessing = preprocessing;
        _grid = new PatchGrid(options.EffectiveCrop, options.EffectiveStride);
        (_ssimWindow, _ssimConstants) = options is SsimAutoencoderOptions s ? (s.SsimWindow, s.Constants) : (Ssim.DefaultWindow, (Ssim.C1, Ssim.C2));
    }

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = _options.ToTrainingOptions(context, Method);
        var data = TrainingData.Prepare(Method, context, t, _preprocessing.Apply, _grid.Patch, _options.EffectiveAugmentation);
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var architecture = new AutoencoderArchitecture(_grid.Patch, data.Train.Channels, _options.Latent, Variant == AutoencoderVariant.Vae);
        var (encoder, decoder) = architecture.Build();
        TrainingResult result;
        try
        {
            AutoencoderArchitecture.StartAtMean(decoder, data.Train.ChannelMeans());
            using var optimizer = Optimizers.Create(t.Optimizer, encoder.parameters().Concat(decoder.parameters()), t.LearningRate, t.WeightDecay);
            var task = new AutoencoderTask(Variant, encoder, decoder, optimizer, _ssimWindow, _ssimConstants, Describe(architecture));
            result = Trainer.Run(Method, task, data.Train, data.Validation, t, context.Progress, context.Epochs, context.Cancellation);
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
            ["epochs_run"] = result.History.Count, ["best_epoch"] = result.BestEpoch, ["stopped_early"] = result.StoppedEarly,
            ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
        };
    }

    /// <summary>What a checkpoint must share with this fit to be resumed: the networks, their input and the loss.</summary>
    private JsonObject Describe(AutoencoderArchitecture architecture) => new()
    {
        ["variant"] = Method, ["architecture"] = architecture.ToJson(), ["preprocessing"] = _preprocessing.ToJson(),
        ["crop_size"] = _grid.Patch, ["ssim_window"] = _ssimWindow, ["ssim_c1"] = _ssimConstants.C1, ["ssim_c2"] = _ssimConstants.C2,
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
        if (Variant == AutoencoderVariant.Vae) code = AutoencoderTask.Split(code).Mean;
        var r = _decoder!.forward(code);
        return Variant == AutoencoderVariant.Ssim ? From(1, Ssim.Map(x, r, _ssimWindow, _ssimConstants.C1, _ssimConstants.C2)) : (x - r).Squared().sum([1], keepdim: true);
    }

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_encoder is null || _architecture is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        _options.Schema().WriteTo(_options, p);
        p["architecture"] = _architecture.ToJson();
        p["preprocessing"] = _preprocessing.ToJson();
        TrainedState.Write(p, _training, History, ParameterCount);
        ModuleWeights.Save(_encoder, "encoder", writer);
        ModuleWeights.Save(_decoder!, "decoder", writer);
    }

    /// <summary>Rebuilds the networks from the manifest's architecture and loads the weights, refusing any that do not fit it.</summary>
    public static AutoencoderDetector Load(ModelReader reader, AutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var p = reader.Parameters;
        var architecture = AutoencoderArchitecture.FromJson(p["architecture"]!.AsObject());
        if (architecture.Variational != (options.Variant == AutoencoderVariant.Vae) || !AutoencoderArchitecture.IsSupportedSize(architecture.InputSize)
            || architecture.Channels is < 1 or > 4 || architecture.Latent < 1)
            throw reader.Error($"the architecture in the manifest is invalid for {options.Variant.MethodId()}.");
        var preprocessing = Preprocessing.FromJson(p["preprocessing"]!.AsObject());
        if (architecture.InputSize != options.EffectiveCrop || preprocessing.ImageSize != options.ImageSize || architecture.Latent != options.Latent)
            throw reader.Error("the architecture, preprocessing and options in the manifest do not agree.");
        var detector = new AutoencoderDetector(options, preprocessing);
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
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private void Release()
    {
        _encoder?.Dispose(); _decoder?.Dispose();
        (_encoder, _decoder) = (null, null);
    }

    public void Dispose() => Release();
}
