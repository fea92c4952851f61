using System.Numerics.Tensors;
using Inspecta.Datasets;
using Inspecta.Detectors.Components;
using Inspecta.Features;
using Inspecta.Persistence;
using Inspecta.Search;

namespace Inspecta.Detectors.Spade;

/// <summary>
/// SPADE (Cohen &amp; Hoshen, "Sub-Image Anomaly Detection with Deep Pyramid Correspondences"): the image
/// score is the mean L2 distance of the test image's global feature (average-pooled deepest layer) to
/// its K = 50 nearest training images; the map is, per position, the distance to the nearest (κ = 1)
/// patch feature among those K images' feature maps, smoothed with σ = 4.
/// </summary>
public sealed class SpadeDetector : IAnomalyDetector, IBatchPredictor, IDisposable, IFitWarnings
{
    public const string MethodId = "spade";
    public const int DefaultTopImages = 50;
    public const float Sigma = 4f;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _layers;
    private readonly Preprocessing _preprocessing;
    private FeatureSource? _source;

    /// <summary>Layers too coarse to localise (see <see cref="FeatureSource.CoarseLayerWarnings"/>).</summary>
    public IReadOnlyList<string> FitWarnings => _source?.CoarseLayerWarnings() ?? [];
    private float[] _gallery = [];  // N × P × D patch features
    private float[] _global = [];   // N × G global features
    private int _images, _positions, _dim, _globalDim, _gridH, _gridW;
    private ExactNearestNeighbours? _globalIndex;
    private ExactNearestNeighbours? _patchIndex;   // all training patches, packed once; searched per prediction within the K images' rows

    public string Method => MethodId;
    public int TopImages { get; }

    public SpadeDetector(SpadeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        _backboneSpec = options.Backbone;
        _layers = options.Layers;
        _preprocessing = options.Preprocessing();
        TopImages = options.TopImages;
    }

    private SpadeDetector(FeatureSource source, int topImages, float[] gallery, float[] global, int images, int gridH, int gridW, int dim, int globalDim)
    {
        _source = source; _backboneSpec = source.Backbone.Info.Path; _layers = source.Layers; _preprocessing = source.Preprocessing;
        TopImages = topImages;
        SetData(gallery, global, images, gridH, gridW, dim, globalDim);
    }

    private void SetData(float[] gallery, float[] global, int images, int gridH, int gridW, int dim, int globalDim)
    {
        _gallery = gallery; _global = global; _images = images; _gridH = gridH; _gridW = gridW;
        _positions = gridH * gridW; _dim = dim; _globalDim = globalDim;
        _globalIndex = new ExactNearestNeighbours(global, images, globalDim);
        _patchIndex = new ExactNearestNeighbours(gallery, images * _positions, dim);
    }

    /// <summary>Patch rows (layers concatenated at the first layer's grid, bilinear) and the global feature (mean of the last layer).</summary>
    private static (float[] Rows, float[] Global, int H, int W, int Dim) Describe(IReadOnlyList<FeatureMap> layers)
    {
        int h = layers[0].Height, w = layers[0].Width, positions = h * w, dim = layers.Sum(l => l.Channels);
        var rows = new float[positions * dim];
        int offset = 0;
        foreach (var m in layers)
        {
            var planes = PatchEmbedding.ResizePlanes(m.Item(0).ToArray(), m.Channels, m.Height, m.Width, h, w);
            PatchEmbedding.PlanarToRows(planes, m.Channels, positions, rows, dim, offset);
            offset += m.Channels;
        }
        var last = layers[^1];
        var global = new float[last.Channels];
        for (int c = 0; c < last.Channels; c++) global[c] = TensorPrimitives.Sum<float>(last.Plane(0, c)) / last.PlaneSize;
        return (rows, global, h, w, dim);
    }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        if (good.Count == 0) throw new InspectaUserException("SPADE needs at least one good training image; the train set is empty.");
        _source?.Dispose();
        _source = FeatureSource.Open(_backboneSpec, _preprocessing, _layers, l => l.TakeLast(2).ToArray());
        float[]? gallery = null, global = null;
        int h = 0, w = 0, dim = 0, gdim = 0;
        _source.ExtractAll(good, (i, f) =>
        {
            var d = Describe(f.Maps);
            if (gallery is null)
            {
                (h, w, dim, gdim) = (d.H, d.W, d.Dim, d.Global.Length);
                if ((long)good.Count * d.Rows.Length > Array.MaxLength)
                    throw new InspectaUserException($"SPADE's gallery of {good.Count} images × {d.H * d.W} positions × {dim} channels is too large; use fewer images, layers or a smaller --image-size.");
                gallery = new float[good.Count * d.Rows.Length];
                global = new float[good.Count * gdim];
            }
            d.Rows.CopyTo(gallery.AsSpan(i * d.Rows.Length));
            d.Global.CopyTo(global.AsSpan(i * gdim));
        }, progress, ct);
        SetData(gallery!, global!, good.Count, h, w, dim, gdim);
    }

    public Prediction Predict(Sample sample)
    {
        var source = _source ?? throw new InvalidOperationException("SPADE is not fitted.");
        var features = source.Extract(sample);
        using var _ = Diagnostics.StageTimer.Measure("search");   // image and pixel kNN and the map
        return Score(source, features);
    }

    /// <summary>One backbone run for the whole batch; each result equals <see cref="Predict"/> of that sample.</summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<Sample> samples)
    {
        var source = _source ?? throw new InvalidOperationException("SPADE is not fitted.");
        return source.ExtractBatch(samples).Select(f => Score(source, f)).ToArray();
    }

    private Prediction Score(FeatureSource source, FeatureSource.Extracted f)
    {
        var d = Describe(f.Maps);
        int k = Math.Min(TopImages, _images);
        var dist = new float[k];
        var idx = new int[k];
        _globalIndex!.Search(d.Global, 1, k, dist, idx);
        float score = TensorPrimitives.Sum<float>(dist) / k;
        // Pixel kNN (κ = 1) restricted to the K nearest images' rows of the prebuilt index: exact, so the same
        // distances as an index of just those images, without copying and packing K × P × D floats per image.
        var ranges = new (int Start, int Count)[k];
        for (int j = 0; j < k; j++) ranges[j] = (idx[j] * _positions, _positions);
        Array.Sort(ranges);
        int queries = d.H * d.W;
        var grid = new float[queries];
        _patchIndex!.SearchWithin(d.Rows, queries, 1, ranges, grid, new int[queries]);
        var map = GridScoreMap.ToImage(grid, d.H, d.W, source.Preprocessing, f.OriginalHeight, f.OriginalWidth, Sigma);
        return new Prediction(score, map);
    }

    public void Save(ModelWriter writer)
    {
        var source = _source ?? throw new InvalidOperationException("SPADE is not fitted.");
        var p = writer.Parameters;
        source.WriteTo(p);
        p["top_images"] = TopImages;
        p["pixel_neighbours"] = 1;
        p["sigma"] = Sigma;
        p["grid"] = new System.Text.Json.Nodes.JsonArray(_gridH, _gridW);
        writer.AddArray("gallery", _gallery, _images, _positions, _dim);
        writer.AddArray("global", _global, _images, _globalDim);
    }

    internal static SpadeDetector Load(ModelReader reader, SpadeOptions options)
    {
        var grid = reader.Ints("grid");
        if (grid.Length != 2 || grid[0] < 1 || grid[1] < 1) throw reader.Error("SPADE parameter 'grid' must hold two positive sizes.");
        var gallery = reader.ReadFloats("gallery", out var gs);
        var global = reader.ReadFloats("global", out var ls);
        if (gs.Length != 3 || ls.Length != 2 || gs[0] != ls[0] || gs[1] != grid[0] * grid[1])
            throw reader.Error("SPADE arrays do not match each other or the grid.");
        var source = FeatureSource.Read(reader.Parameters, reader); // the ONNX session last: nothing can fail after it
        return new SpadeDetector(source, options.TopImages, gallery, global, gs[0], grid[0], grid[1], gs[2], ls[1]);
    }

    public void Dispose() => _source?.Dispose();
}
