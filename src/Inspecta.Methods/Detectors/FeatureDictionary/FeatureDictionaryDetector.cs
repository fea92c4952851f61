using Inspecta.Datasets;
using Inspecta.Detectors.Components;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Search;

namespace Inspecta.Detectors.FeatureDictionary;

/// <summary>
/// CNN feature dictionary after Napoletano et al. (as a baseline of the MVTec AD benchmark): square
/// patches of the resized image are described by the global average of the backbone's deepest
/// feature map over the patch; PCA keeps 95% of the variance; k-means centres form the dictionary.
/// A patch scores its distance to the nearest centre; scores on the strided patch grid are
/// interpolated bilinearly between patch centres to a full-resolution map.
/// The backbone runs once per image (not once per patch): the deepest map is resampled to the patch
/// grid and averaged over each patch's footprint, which is the average pooling of the patch's features.
/// So that border patches do not carry the network's zero padding, the image is mirrored by a margin first
/// (see <see cref="ReflectMargin"/>).
/// </summary>
public sealed class FeatureDictionaryDetector : IAnomalyDetector, IDisposable, IFitWarnings
{
    public const string MethodId = "feature-dictionary";
    public const int DefaultImageSize = 256;
    /// <summary>Textures are inspected at a higher working size (the MVTec AD benchmark's setting), so 16×16 patches see finer structure.</summary>
    public const int DefaultTextureImageSize = 512;
    public const int DefaultPatchSize = 16;
    public const int DefaultStride = 4;
    public const int DefaultClusters = 10;
    public const double DefaultPcaVariance = 0.95;
    public const int DefaultTrainingPatches = 10_000;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _requestedLayers;
    private readonly int _imageSize, _patch, _stride, _clusters, _trainingPatches, _seed;
    private readonly double _pcaVariance;

    private FeatureSource? _source;

    /// <summary>Layers too coarse to localise (see <see cref="FeatureSource.CoarseLayerWarnings"/>).</summary>
    public IReadOnlyList<string> FitWarnings => _source?.CoarseLayerWarnings() ?? [];
    private string? _layer;
    private PrincipalComponents? _pca;
    private float[]? _centres; // K × M in PCA space
    private int _trainCount;

    public string Method => MethodId;
    public string? Layer => _layer;
    /// <summary>Side of the square working image the patches are cut from.</summary>
    public int WorkingSize => _imageSize;
    public PrincipalComponents? Pca => _pca;

    public FeatureDictionaryDetector(FeatureDictionaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        _backboneSpec = options.Backbone;
        _requestedLayers = options.Layers;
        _imageSize = options.ImageSize ?? DefaultImageSize;
        _patch = options.PatchSize;
        _stride = options.Stride;
        _clusters = options.Clusters;
        _pcaVariance = options.PcaVariance;
        _trainingPatches = options.TrainingPatches;
        _seed = options.Seed;
        _options = options;
    }

    private readonly FeatureDictionaryOptions _options;

    private FeatureDictionaryDetector(FeatureSource source, string layer, int patch, int stride, int clusters, double pcaVariance, int trainingPatches, int seed)
    {
        _source = source; _backboneSpec = source.Backbone.Info.Path; _requestedLayers = source.Layers; _layer = layer;
        _imageSize = source.Preprocessing.InputSize; _patch = patch; _stride = stride; _clusters = clusters;
        _pcaVariance = pcaVariance; _trainingPatches = trainingPatches; _seed = seed;
        _options = new FeatureDictionaryOptions { PatchSize = patch, Stride = stride, Clusters = clusters, PcaVariance = pcaVariance, TrainingPatches = trainingPatches, Seed = seed };
    }

    /// <summary>Patch grid side: patches of side P at step s inside the S×S working image.</summary>
    private int GridSize => Grid(_imageSize);

    /// <summary>Patch grid side over a square of <paramref name="side"/> working pixels.</summary>
    private int Grid(int side) => (side - _patch) / _stride + 1;

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        SampleImages.RequireAtLeast(good, 1, MethodId);
        _source?.Dispose();
        int margin = ReflectMargin(_imageSize, 32);
        _source = FeatureSource.Open(_backboneSpec, new Preprocessing(_imageSize) { ReflectPad = margin }, _requestedLayers);
        var deepest = Deepest(_source);
        if (margin % deepest.Stride != 0)
        {
            // The margin must be whole feature cells to be cropped off exactly: reopen with a multiple of this layer's stride.
            _source.Dispose();
            _source = FeatureSource.Open(_backboneSpec, new Preprocessing(_imageSize) { ReflectPad = ReflectMargin(_imageSize, deepest.Stride) }, _requestedLayers);
            deepest = Deepest(_source);
        }
        var layers = _source.Layers;
        _layer = deepest.Name;
        int layerIndex = layers.ToList().IndexOf(_layer);

        // Training patches also come from the mirrored margin: they look like the image's border patches, which are
        // otherwise too rare (one row in ~60) for a small dictionary to cover.
        int grid = Grid(_source.Preprocessing.NetworkSize), patches = grid * grid, channels = deepest.Channels;
        int perImage = Math.Clamp(_trainingPatches / good.Count, 1, patches);
        var rng = new Random(_seed);
        var data = new float[good.Count * perImage * channels];
        var picks = new int[perImage];
        _source.ExtractAll(good, (i, f) =>
        {
            var descriptors = PatchDescriptors(f.Maps[layerIndex], withMargin: true);
            // Partial Fisher–Yates: perImage distinct random patches of this image.
            var order = Enumerable.Range(0, patches).ToArray();
            for (int k = 0; k < perImage; k++) { int j = k + rng.Next(patches - k); (order[k], order[j]) = (order[j], order[k]); picks[k] = order[k]; }
            for (int k = 0; k < perImage; k++)
                descriptors.AsSpan(picks[k] * channels, channels).CopyTo(data.AsSpan((i * perImage + k) * channels, channels));
        }, progress, ct);

        progress?.Report(new ProgressUpdate("pca", 0, 1));
        _pca = PrincipalComponents.Fit(data, channels, _pcaVariance);
        var projected = _pca.ProjectAll(data);
        progress?.Report(new ProgressUpdate("pca", 1, 1));
        int clusters = Math.Min(_clusters, projected.Length / _pca.OutputDimension);
        _centres = KMeans.Fit(projected, _pca.OutputDimension, clusters, _seed, ct: ct).Centres;
        _trainCount = good.Count;
    }

    /// <summary>The deepest available layer: largest stride among the spatial outputs (more channels on ties).</summary>
    private static Features.FeatureOutput Deepest(FeatureSource source) =>
        source.Layers.Select(l => source.Backbone.Info.Output(l)).Where(o => o.Stride > 0)
            .OrderByDescending(o => o.Stride).ThenByDescending(o => o.Channels).FirstOrDefault()
        ?? throw new InspectaUserException($"{MethodId}: none of the layers {string.Join(", ", source.Layers)} is a spatial feature map.");

    /// <summary>
    /// The reflected margin around the working image: about an eighth of it, in whole multiples of
    /// <paramref name="unit"/> (the deepest stride), and smaller than the image. The original method embeds every
    /// patch on its own; running the network once per image instead gives border patches the network's zero padding,
    /// which made the image corners the most "anomalous" place of every good bottle. Mirrored context removes that.
    /// </summary>
    private static int ReflectMargin(int imageSize, int unit)
    {
        int units = Math.Max(1, (int)Math.Round(imageSize / 8.0 / unit));
        while (units > 0 && units * unit >= imageSize) units--;
        return units * unit;
    }

    /// <summary>
    /// One descriptor per patch (patch-major rows, G² × C): the feature map is resampled bilinearly to
    /// the stride grid (S/s cells), then every patch averages its (P/s)² cells.
    /// </summary>
    private float[] PatchDescriptors(FeatureMap map, bool withMargin = false)
    {
        int side = withMargin ? _source!.Preprocessing.NetworkSize : _imageSize;
        if (!withMargin) map = map.CropBorder(_source!.Preprocessing.ReflectPad / _source.Backbone.Info.Output(_layer!).Stride);
        int cells = side / _stride, window = _patch / _stride, grid = Grid(side), c = map.Channels;
        var planes = PatchEmbedding.ResizePlanes(map.Item(0).ToArray(), c, map.Height, map.Width, cells, cells);
        var rows = new float[grid * grid * c];
        float inv = 1f / (window * window);
        Parallel.For(0, c, () => new float[cells * grid], (ch, _, horizontal) =>
        {
            var plane = planes.AsSpan(ch * cells * cells, cells * cells);
            // Running sums: horizontal window sums, then vertical.
            for (int y = 0; y < cells; y++)
            {
                float s = 0;
                for (int x = 0; x < window; x++) s += plane[y * cells + x];
                horizontal[y * grid] = s;
                for (int x = 1; x < grid; x++)
                {
                    s += plane[y * cells + x + window - 1] - plane[y * cells + x - 1];
                    horizontal[y * grid + x] = s;
                }
            }
            for (int x = 0; x < grid; x++)
            {
                float s = 0;
                for (int y = 0; y < window; y++) s += horizontal[y * grid + x];
                rows[x * c + ch] = s * inv;
                for (int y = 1; y < grid; y++)
                {
                    s += horizontal[(y + window - 1) * grid + x] - horizontal[(y - 1) * grid + x];
                    rows[(y * grid + x) * c + ch] = s * inv;
                }
            }
            return horizontal;
        }, _ => { });
        return rows;
    }

    public Prediction Predict(Sample sample)
    {
        if (_source is null || _pca is null || _centres is null) throw new InvalidOperationException("The feature dictionary is not fitted.");
        var f = _source.Extract(sample);
        int layerIndex = _source.Layers.ToList().IndexOf(_layer!);
        var descriptors = PatchDescriptors(f.Maps[layerIndex]);
        int grid = GridSize, c = _pca.InputDimension, m = _pca.OutputDimension, k = _centres.Length / m;
        var scores = new float[grid * grid];
        Parallel.For(0, grid * grid, () => (new float[c], new float[m]), (p, _, buffers) =>
        {
            var (scratch, projected) = buffers;
            _pca.Project(descriptors.AsSpan(p * c, c), projected, scratch);
            float best = float.PositiveInfinity;
            for (int j = 0; j < k; j++)
                best = MathF.Min(best, System.Numerics.Tensors.TensorPrimitives.Distance(projected, _centres.AsSpan(j * m, m)));
            scores[p] = best;
            return buffers;
        }, _ => { });
        var map = GridToImage(scores, f.OriginalHeight, f.OriginalWidth);
        return new Prediction(map.Max(), map);
    }

    /// <summary>Bilinear interpolation between patch centres (clamped at the outer half-patches) at the input resolution.</summary>
    private AnomalyMap GridToImage(float[] scores, int height, int width)
    {
        int grid = GridSize;
        var map = new AnomalyMap(height, width);
        double centreOffset = _patch / 2.0 - 0.5, scaleY = (double)_imageSize / height, scaleX = (double)_imageSize / width;
        var gx0 = new int[width]; var fx = new float[width];
        for (int x = 0; x < width; x++)
        {
            double g = Math.Clamp(((x + 0.5) * scaleX - 0.5 - centreOffset) / _stride, 0, grid - 1);
            gx0[x] = Math.Min((int)g, Math.Max(grid - 2, 0)); fx[x] = (float)(g - gx0[x]);
        }
        Parallel.For(0, height, y =>
        {
            double g = Math.Clamp(((y + 0.5) * scaleY - 0.5 - centreOffset) / _stride, 0, grid - 1);
            int y0 = Math.Min((int)g, Math.Max(grid - 2, 0)), y1 = Math.Min(y0 + 1, grid - 1);
            float fy = (float)(g - y0);
            for (int x = 0; x < width; x++)
            {
                int x0 = gx0[x], x1 = Math.Min(x0 + 1, grid - 1);
                float top = scores[y0 * grid + x0] + fx[x] * (scores[y0 * grid + x1] - scores[y0 * grid + x0]);
                float bottom = scores[y1 * grid + x0] + fx[x] * (scores[y1 * grid + x1] - scores[y1 * grid + x0]);
                map.Data[y * width + x] = top + fy * (bottom - top);
            }
        });
        return map;
    }

    public void Save(ModelWriter writer)
    {
        if (_source is null || _pca is null || _centres is null) throw new InvalidOperationException("Fit the feature dictionary before saving it.");
        var p = writer.Parameters;
        _source.WriteTo(p);
        p["layer"] = _layer;
        _options.Schema().WriteTo(_options with { Clusters = _centres.Length / _pca.OutputDimension }, p);
        p["pca_components"] = _pca.OutputDimension;
        p["train_images"] = _trainCount;
        writer.AddArray("pca_mean", _pca.Mean, _pca.InputDimension);
        writer.AddArray("pca_components", _pca.Components, _pca.OutputDimension, _pca.InputDimension);
        writer.AddArray("centres", _centres, _centres.Length / _pca.OutputDimension, _pca.OutputDimension);
    }

    internal static FeatureDictionaryDetector Load(ModelReader reader, FeatureDictionaryOptions options)
    {
        string layer = reader.String("layer");
        int clusters = reader.Int("clusters"), trainCount = reader.Int("train_images");
        var mean = reader.ReadFloats("pca_mean");
        var components = reader.ReadFloats("pca_components");
        var centres = reader.ReadFloats("centres");
        if (mean.Length == 0 || components.Length % mean.Length != 0) throw reader.Error("the PCA arrays do not match each other.");
        var pca = new PrincipalComponents(mean, components, mean.Length);
        if (centres.Length != clusters * pca.OutputDimension) throw reader.Error("array 'centres' does not match the clusters and the PCA dimension.");
        var source = FeatureSource.Read(reader.Parameters, reader); // the ONNX session last
        try
        {
            if (!source.Layers.Contains(layer)) throw reader.Error($"layer '{layer}' is not among the recorded layers.");
            return new FeatureDictionaryDetector(source, layer, options.PatchSize, options.Stride, clusters, options.PcaVariance, options.TrainingPatches, options.Seed)
            {
                _pca = pca, _centres = centres, _trainCount = trainCount,
            };
        }
        catch { source.Dispose(); throw; }
    }

    public void Dispose() => _source?.Dispose();
}
