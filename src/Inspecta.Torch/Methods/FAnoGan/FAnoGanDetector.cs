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

namespace Inspecta.Torch.Methods.FAnoGan;

/// <summary>
/// f-AnoGAN (Schlegl et al. 2019) as benchmarked in the MVTec AD paper: a WGAN-GP on random grayscale patches of the
/// zoomed image, then an izif encoder. A test image is cut into patches at stride 64; the map is the per-pixel squared
/// residual |x − G(E(x))|² zoomed to the input size, the image score the largest patch score residual + κ·feature
/// difference (the paper's combined anomaly score).
/// </summary>
public sealed class FAnoGanDetector : IAnomalyDetector
{
    private readonly FAnoGanOptions _options;
    private readonly Preprocessing _preprocessing;
    private readonly PatchGrid _grid;
    private readonly Lock _gate = new();
    private FAnoGanNetworks? _networks;
    private FAnoGanNetworks.Generator? _generator;
    private FAnoGanNetworks.Critic? _critic, _encoder;
    private JsonObject _training = new();

    public string Method => FAnoGanMethod.MethodId;
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _generator is null ? 0 : ModuleWeights.ParameterCount(_generator) + ModuleWeights.ParameterCount(_critic!) + ModuleWeights.ParameterCount(_encoder!);

    public FAnoGanDetector(FAnoGanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        _options = options;
        _preprocessing = new Preprocessing(options.ImageSize, Grayscale: true);
        _grid = new PatchGrid(options.PatchSize, options.EffectiveStride);
    }

    /// <summary>What a checkpoint must share with this fit to be resumed.</summary>
    private JsonObject Describe(FAnoGanNetworks networks) => new()
    {
        ["architecture"] = networks.ToJson(), ["preprocessing"] = _preprocessing.ToJson(), ["feature_weight"] = _options.FeatureWeight,
        ["critic_iterations"] = _options.CriticIterations, ["gradient_penalty"] = _options.GradientPenalty,
    };

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = _options;
        var t = o.ToTrainingOptions(context, Method);
        var data = TrainingData.Prepare(Method, context, t, _preprocessing.Apply, _grid.Patch, Augmentation.None);
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var networks = new FAnoGanNetworks(_grid.Patch, data.Train.Channels, o.Latent, o.Width);
        var generator = networks.BuildGenerator();
        var critic = networks.BuildCritic();
        var encoder = networks.BuildEncoder();
        var description = Describe(networks);
        try
        {
            // Adam with β = (0, 0.9), as WGAN-GP prescribes (momentum destabilises the critic game).
            using var gOpt = Optimizers.Create(t.Optimizer, generator.parameters(), t.LearningRate, t.WeightDecay, 0, 0.9);
            using var cOpt = Optimizers.Create(t.Optimizer, critic.parameters(), t.LearningRate, t.WeightDecay, 0, 0.9);
            var gan = new GanTask(generator, critic, gOpt, cOpt, o.Latent, o.CriticIterations, o.GradientPenalty, description);
            var ganResult = Trainer.Run(Method, gan, data.Train, data.Validation, t, context.Progress, context.Epochs, context.Cancellation);

            foreach (var p in generator.parameters().Concat(critic.parameters())) p.requires_grad = false;
            generator.eval(); critic.eval();
            var encoderOptions = t with
            {
                Epochs = o.EncoderEpochs ?? t.Epochs, LearningRate = o.EncoderLearningRate,
                // Its own checkpoint: a resumed fit reloads the finished GAN phase from the first, then continues here.
                CheckpointPath = t.CheckpointPath is { } c ? c + ".encoder" : null,
            };
            using var eOpt = Optimizers.Create(t.Optimizer, encoder.parameters(), o.EncoderLearningRate, t.WeightDecay);
            var encoderTask = new EncoderTask(encoder, generator, critic, eOpt, o.FeatureWeight, description);
            var encoderResult = Trainer.Run(Method, encoderTask, data.Train, data.Validation, encoderOptions, context.Progress, context.Epochs, context.Cancellation);
            Release();
            (_networks, _generator, _critic, _encoder) = (networks, generator, critic, encoder);
            History = [.. ganResult.History, .. encoderResult.History];
            _training = new JsonObject
            {
                ["gan_epochs_run"] = ganResult.History.Count, ["encoder_epochs_run"] = encoderResult.History.Count,
                ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
            };
        }
        catch
        {
            generator.Dispose(); critic.Dispose(); encoder.Dispose();
            throw;
        }
    }

    public Prediction Predict(Sample sample)
    {
        if (_generator is null || _networks is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var input = sample.LoadImage();
        var work = _preprocessing.Apply(input);
        float score = float.NegativeInfinity;
        AnomalyMap map;
        lock (_gate)
        {
            using var _ = no_grad();
            map = _grid.Evaluate(work, patches =>
            {
                var (residual, features) = EncoderTask.Izif(_encoder!, _generator, _critic!, EncoderTask.ToSymmetric(patches));
                var combined = residual.mean([1, 2, 3]).Plus(features.Times(_options.FeatureWeight));
                score = Math.Max(score, combined.max().item<float>());
                return residual.sum([1], keepdim: true);
            });
        }
        if (map.Height != input.Height || map.Width != input.Width) map = Resize.Bilinear(map, input.Height, input.Width);
        return new Prediction(score, map);
    }

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_generator is null || _networks is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        _options.Schema().WriteTo(_options, p);
        p["architecture"] = _networks.ToJson();
        TrainedState.Write(p, _training, History, ParameterCount);
        ModuleWeights.Save(_generator, "generator", writer);
        ModuleWeights.Save(_critic!, "critic", writer);
        ModuleWeights.Save(_encoder!, "encoder", writer);
    }

    /// <summary>Rebuilds the three networks from the manifest's architecture and loads the weights, refusing any that do not fit it.</summary>
    public static FAnoGanDetector Load(ModelReader reader, FAnoGanOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var p = reader.Parameters;
        var networks = FAnoGanNetworks.FromJson(p["architecture"]!.AsObject());
        if (networks.PatchSize != options.PatchSize || networks.Channels != 1 || networks.Width != options.Width || networks.Latent != options.Latent)
            throw reader.Error("the architecture and options in the manifest do not agree (or the architecture is invalid for f-anogan).");
        var detector = new FAnoGanDetector(options);
        var generator = networks.BuildGenerator();
        var critic = networks.BuildCritic();
        var encoder = networks.BuildEncoder();
        try
        {
            ModuleWeights.Load(generator, "generator", reader);
            ModuleWeights.Load(critic, "critic", reader);
            ModuleWeights.Load(encoder, "encoder", reader);
        }
        catch
        {
            generator.Dispose(); critic.Dispose(); encoder.Dispose();
            throw;
        }
        generator.eval(); critic.eval(); encoder.eval();
        (detector._networks, detector._generator, detector._critic, detector._encoder) = (networks, generator, critic, encoder);
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private void Release()
    {
        _generator?.Dispose(); _critic?.Dispose(); _encoder?.Dispose();
        (_generator, _critic, _encoder) = (null, null, null);
    }

    public void Dispose() => Release();
}
