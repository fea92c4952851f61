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

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary>
/// CutPaste (3-way): the pretrained ResNet-18 (the built-in backbone's weights imported into TorchSharp) with a projection
/// head is fine-tuned to tell good images from their CutPaste and scar versions (<see cref="CutPasteTask"/>); then two
/// Gaussians (<see cref="GaussianDensity"/>) are fitted to the L2-normalised pooled embeddings of the good training
/// images: one of whole images, one of their --patch-size patches every --patch-stride pixels. Image score: the
/// Mahalanobis distance of the whole image's embedding. Map: each pixel the mean Mahalanobis distance of the patches
/// covering it, at the working resolution, zoomed bilinearly to the input size. The fine-tuned weights and both
/// Gaussians are stored in the model file (the backbone is only recorded, by name and SHA-256).
/// </summary>
public sealed class CutPasteDetector : IAnomalyDetector
{
    /// <summary>Images (or patches) per forward pass while embedding.</summary>
    private const int EmbedBatch = 32;

    private readonly Lock _gate = new();
    private CutPasteNetwork? _network;
    private GaussianDensity? _image, _patch;
    private JsonObject _training = new();
    private JsonObject? _backbone;

    public CutPasteDetector(CutPasteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
    }

    public string Method => CutPasteMethod.MethodId;
    public CutPasteOptions Options { get; }
    public IReadOnlyList<TrainingEpoch> History { get; private set; } = [];
    public long ParameterCount => _network is null ? 0 : ModuleWeights.ParameterCount(_network);
    private int Size => Options.ImageSize;

    public void Fit(FitContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var t = Options.ToTrainingOptions(context, Method);
        var backbone = TeacherBackbone.Resolve(Options.Backbone);
        var data = TrainingData.Prepare(Method, context, t, img => RgbInput.Prepare(img, Size), Size, Augmentation.None);
        if (data.TrainCount < 2)
            throw new InspectaUserException($"{Method}: needs at least 2 good training images for its Gaussian densities, got {data.TrainCount}" +
                                            (data.ValidationCount > 0 ? $" (and {data.ValidationCount} for validation)" : "") + "; give more good images.");
        TorchRuntime.SetThreads(t.Threads);
        TorchRuntime.Seed(t.Seed);
        var network = new CutPasteNetwork(backbone.Import(), Options.HeadWidth);
        GaussianDensity? image = null, patch = null;
        try
        {
            foreach (var p in network.parameters()) p.requires_grad_(true);
            var optimizer = Optimizers.Create(t.Optimizer, network.parameters(), t.LearningRate, t.WeightDecay);
            using (var task = new CutPasteTask(network, optimizer, new CutPasteAugmentation(t.Seed), Architecture(backbone)))
            {
                var result = Trainer.Run(Method, task, data.Train, data.Validation, t, context.Progress, context.Epochs, context.Cancellation);
                History = result.History;
                _training = new JsonObject
                {
                    ["epochs_run"] = result.History.Count, ["best_epoch"] = result.BestEpoch, ["stopped_early"] = result.StoppedEarly,
                    ["seed"] = t.Seed, ["threads"] = t.Threads, ["train_images"] = data.TrainCount, ["validation_images"] = data.ValidationCount,
                };
            }
            network.eval();
            (image, patch) = FitDensities(network, data.Train.Images, context);
            _training["image_shrinkage"] = image.Shrinkage;
            _training["patch_shrinkage"] = patch.Shrinkage;
            _training["patches"] = patch.Samples;
        }
        catch
        {
            network.Dispose(); image?.Dispose(); patch?.Dispose();
            throw;
        }
        Release();
        (_network, _image, _patch) = (network, image, patch);
        _backbone = new JsonObject { ["name"] = backbone.Name, ["sha256"] = backbone.Sha256 };
    }

    /// <summary>What a checkpoint must share with this fit to be resumed.</summary>
    private JsonObject Architecture(TeacherBackbone backbone) => new()
    {
        ["method"] = Method, ["image_size"] = Size, ["head_width"] = Options.HeadWidth, ["backbone_sha256"] = backbone.Sha256,
    };

    /// <summary>The two Gaussians, over the good training images' whole-image and patch embeddings (progress: "density").</summary>
    private (GaussianDensity Image, GaussianDensity Patch) FitDensities(CutPasteNetwork network, IReadOnlyList<ImageF> images, FitContext context)
    {
        var offsets = Offsets(Size, Options.PatchSize, Options.PatchStride);
        var whole = new List<Tensor>();
        var patches = new List<Tensor>();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int first = 0; first < images.Count; first += EmbedBatch)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(EmbedBatch, images.Count - first);
            // Only the embeddings leave the inner scope: every activation of the forward passes is freed per batch.
            using var inner = NewDisposeScope();
            var x = RgbInput.Normalize(cat([.. images.Skip(first).Take(n).Select(RgbInput.ToTensor)], 0));
            whole.Add(network.Embed(x).MoveToOuterDisposeScope());
            for (int i = 0; i < n; i++) patches.Add(EmbedPatches(network, x.narrow(0, i, 1), offsets).MoveToOuterDisposeScope());
            context.Progress?.Report(new ProgressUpdate("density", first + n, images.Count));
        }
        var image = GaussianDensity.Fit(cat(whole, 0), Method, "whole-image embeddings");
        try
        {
            return (image, GaussianDensity.Fit(cat(patches, 0), Method, "patch embeddings"));
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>Start offsets of the patches along one axis: every <paramref name="stride"/> pixels, the last one ending at the border.</summary>
    internal static int[] Offsets(int size, int patch, int stride)
    {
        var list = new List<int>();
        for (int o = 0; o + patch <= size; o += stride) list.Add(o);
        if (list[^1] != size - patch) list.Add(size - patch);
        return [.. list];
    }

    /// <summary>Embeddings of the patches of one ImageNet-normalised 1×3×S×S image, row by row: (offsets²)×256.</summary>
    private Tensor EmbedPatches(CutPasteNetwork network, Tensor x, int[] offsets)
    {
        int p = Options.PatchSize;
        var crops = new List<Tensor>(offsets.Length * offsets.Length);
        foreach (int oy in offsets)
            foreach (int ox in offsets) crops.Add(x.narrow(2, oy, p).narrow(3, ox, p));
        var parts = new List<Tensor>();
        for (int first = 0; first < crops.Count; first += EmbedBatch)
        {
            // Each chunk's activations are freed as soon as its embeddings are out (a dispose scope would keep them all).
            using var chunk = NewDisposeScope();
            parts.Add(network.Embed(cat(crops.GetRange(first, Math.Min(EmbedBatch, crops.Count - first)), 0)).MoveToOuterDisposeScope());
        }
        return cat(parts, 0);
    }

    public Prediction Predict(Sample sample)
    {
        if (_network is null || _image is null || _patch is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var image = sample.LoadImage();
        var rgb = RgbInput.Prepare(image, Size);
        var offsets = Offsets(Size, Options.PatchSize, Options.PatchStride);
        float score;
        float[] patchScores;
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = RgbInput.Normalize(RgbInput.ToTensor(rgb));
            score = _image.Distances(_network.Embed(x))[0];
            patchScores = _patch.Distances(EmbedPatches(_network, x, offsets));
        }
        var result = new AnomalyMap(Size, Size, PatchMap(patchScores, offsets, Options.PatchSize, Size));
        if (result.Height != image.Height || result.Width != image.Width) result = Resize.Bilinear(result, image.Height, image.Width);
        return new Prediction(score, result);
    }

    /// <summary>Each pixel: the mean score of the patches (row-major over <paramref name="offsets"/>²) that cover it.</summary>
    internal static float[] PatchMap(ReadOnlySpan<float> scores, int[] offsets, int patch, int size)
    {
        var sum = new double[size * size];
        var count = new int[size * size];
        int k = 0;
        foreach (int oy in offsets)
            foreach (int ox in offsets)
            {
                double s = scores[k++];
                for (int y = oy; y < oy + patch; y++)
                    for (int x = ox; x < ox + patch; x++)
                    {
                        sum[y * size + x] += s;
                        count[y * size + x]++;
                    }
            }
        var map = new float[size * size];
        for (int i = 0; i < map.Length; i++) map[i] = (float)(sum[i] / count[i]);
        return map;
    }

    public void Save(ModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_network is null || _image is null || _patch is null) throw new InvalidOperationException($"{Method} is not fitted.");
        var p = writer.Parameters;
        Options.Schema().WriteTo(Options, p);
        if (_backbone is not null) p["fine_tuned_from"] = _backbone.DeepClone();
        TrainedState.Write(p, _training, History, ParameterCount);
        ModuleWeights.Save(_network, "network", writer);
        foreach (var (name, g) in new[] { ("image", _image), ("patch", _patch) })
        {
            writer.AddArray($"density/{name}_mean", g.Mean, g.Dim);
            writer.AddArray($"density/{name}_precision", g.Precision, g.Dim, g.Dim);
        }
    }

    /// <summary>Builds the network of the stored head width and loads its weights and the Gaussians, refusing any that do not fit.</summary>
    public static CutPasteDetector Load(ModelReader reader, CutPasteOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var detector = new CutPasteDetector(options);
        var network = new CutPasteNetwork(new ResNet18(inputAdapter: true, "teacher"), options.HeadWidth);
        GaussianDensity? image = null, patch = null;
        try
        {
            ModuleWeights.Load(network, "network", reader);
            image = ReadDensity(reader, "image");
            patch = ReadDensity(reader, "patch");
        }
        catch
        {
            network.Dispose(); image?.Dispose(); patch?.Dispose();
            throw;
        }
        network.eval();
        (detector._network, detector._image, detector._patch) = (network, image, patch);
        detector._backbone = reader.Parameters["fine_tuned_from"]?.DeepClone().AsObject();
        (detector._training, detector.History) = TrainedState.Read(reader);
        return detector;
    }

    private static GaussianDensity ReadDensity(ModelReader reader, string name)
    {
        int d = CutPasteNetwork.EmbeddingDim;
        var mean = reader.ReadDoubles($"density/{name}_mean", out int[] ms);
        var precision = reader.ReadDoubles($"density/{name}_precision", out int[] ps);
        if (!ms.SequenceEqual([d]) || !ps.SequenceEqual([d, d]))
            throw reader.Error($"the {name} Gaussian is [{string.Join('×', ms)}] / [{string.Join('×', ps)}]; the network's embeddings have {d} dimensions.");
        return new GaussianDensity(mean, precision, double.NaN, 0);
    }

    private void Release()
    {
        _network?.Dispose(); _image?.Dispose(); _patch?.Dispose();
        (_network, _image, _patch) = (null, null, null);
    }

    public void Dispose() => Release();
}
