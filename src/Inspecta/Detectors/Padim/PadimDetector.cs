using System.Numerics.Tensors;
using Inspecta.Datasets;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Padim;

/// <summary>
/// PaDiM (Defard et al.): the features of layers 1–3 at every position of the layer-1 grid, reduced to
/// a seeded random channel subset, modelled by one Gaussian per position (covariance + 0.01·I); the
/// anomaly map is the Mahalanobis distance, smoothed with σ = 4.
/// </summary>
public sealed class PadimDetector : IAnomalyDetector, IDisposable
{
    public const string MethodId = "padim";
    public const float Epsilon = 0.01f;
    public const float Sigma = 4f;
    public const long DefaultMaxMemoryBytes = 8L << 30;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string> _layers;
    private readonly Preprocessing _preprocessing;
    private readonly int? _requestedChannels;
    private FeatureSource? _source;
    private int[] _channels = [];
    private float[] _mean = [];     // P × d
    private float[] _cholesky = []; // P × d(d+1)/2, packed lower-triangular factor of each covariance
    private int _gridH, _gridW;

    public string Method => MethodId;
    public int Seed { get; }
    public long MaxMemoryBytes { get; }
    /// <summary>Size of the random channel subset (d).</summary>
    public int Dimension => _channels.Length;

    public PadimDetector(FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _backboneSpec = options.Backbone ?? PatchCore.PatchCoreDetector.DefaultBackbone;
        _layers = options.Layers ?? FeatureSource.DefaultLayers(_backboneSpec);
        _preprocessing = Preprocessing.For(options.ImageSize ?? 224, options.CenterCrop);
        _requestedChannels = options.FeatureChannels;
        if (_requestedChannels is <= 0) throw new InspectaUserException($"--channels must be positive, got {_requestedChannels}.");
        MaxMemoryBytes = options.MaxMemoryBytes ?? DefaultMaxMemoryBytes;
        Seed = options.Seed;
    }

    private PadimDetector(FeatureSource source, int seed, int[] channels, float[] mean, float[] cholesky, int gridH, int gridW)
    {
        _source = source; _backboneSpec = source.Backbone.Info.Path; _layers = source.Layers; _preprocessing = source.Preprocessing;
        Seed = seed; _channels = channels; _mean = mean; _cholesky = cholesky; _gridH = gridH; _gridW = gridW;
        MaxMemoryBytes = DefaultMaxMemoryBytes;
    }

    /// <summary>Default subset size: 100 for ResNet-18-like widths (≤ 448 channels in total), else 550.</summary>
    public static int DefaultChannels(int totalChannels) => totalChannels <= 448 ? 100 : 550;

    /// <summary>Bytes PaDiM needs to fit: the training features, the packed factors, the means and per-thread work.</summary>
    public static long EstimateMemory(int images, int positions, int d) =>
        (long)images * positions * d * 4 + (long)positions * d * (d + 1) / 2 * 4 + (long)positions * d * 4
        + (long)Environment.ProcessorCount * d * d * 8 * 2;

    public void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        if (good.Count < 2) throw new InspectaUserException($"PaDiM needs at least two good training images to estimate covariances; got {good.Count}.");
        _source?.Dispose();
        _source = FeatureSource.Open(_backboneSpec, _preprocessing, _layers);
        var outputs = _layers.Select(l => _source.Backbone.Info.Output(l)).ToArray();
        int total = outputs.Sum(o => o.Channels);
        int d = Math.Min(_requestedChannels ?? DefaultChannels(total), total);
        _channels = RandomChannels(total, d, Seed);

        float[]? features = null; // P × d × N: per position, per channel, the N training values (contiguous for dot products)
        int n = good.Count, positions = 0;
        _source.ExtractAll(good, (i, f) =>
        {
            var (rows, h, w) = Stack(f.Maps, _channels);
            if (features is null)
            {
                _gridH = h; _gridW = w; positions = h * w;
                long need = EstimateMemory(n, positions, d);
                if (need > MaxMemoryBytes)
                    throw new InspectaUserException($"PaDiM would need about {need / 1e9:F1} GB for {n} images × {positions} positions × {d} channels, above --max-memory {MaxMemoryBytes / 1e9:F1} GB. " +
                                                    "Use fewer --channels, a smaller --image-size, or raise --max-memory.");
                if ((long)positions * d * n > Array.MaxLength) throw new InspectaUserException($"PaDiM features of {n} images do not fit one array; use fewer --channels or images.");
                features = new float[positions * d * n];
            }
            for (int p = 0; p < positions; p++)
                for (int c = 0; c < d; c++)
                    features[((long)p * d + c) * n + i] = rows[p * d + c];
        }, progress, ct);

        int packed = d * (d + 1) / 2;
        _mean = new float[positions * d];
        _cholesky = new float[(long)positions * packed];
        int done = 0;
        var failed = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, positions, new ParallelOptions { CancellationToken = ct }, () => (Cov: new double[d * d], Centered: new float[d * n]), (p, _, work) =>
        {
            var x = features.AsSpan((int)((long)p * d * n), d * n);
            var mean = _mean.AsSpan(p * d, d);
            for (int c = 0; c < d; c++)
            {
                var col = x.Slice(c * n, n);
                mean[c] = TensorPrimitives.Sum<float>(col) / n;
                TensorPrimitives.Subtract(col, mean[c], work.Centered.AsSpan(c * n, n));
            }
            for (int i = 0; i < d; i++)
            {
                var ci = work.Centered.AsSpan(i * n, n);
                for (int j = 0; j <= i; j++)
                    work.Cov[i * d + j] = TensorPrimitives.Dot<float>(ci, work.Centered.AsSpan(j * n, n)) / (double)(n - 1);
                work.Cov[i * d + i] += Epsilon;
            }
            if (!Cholesky.FactorInPlace(work.Cov, d)) failed.Add(p);
            Cholesky.Pack(work.Cov, d, _cholesky.AsSpan((int)((long)p * packed), packed));
            int k = Interlocked.Increment(ref done);
            if (k % 64 == 0 || k == positions) progress?.Report(new ProgressUpdate("gaussians", k, positions));
            return work;
        }, _ => { });
        if (!failed.IsEmpty) throw new InvalidOperationException($"PaDiM covariance not positive definite at {failed.Count} position(s) despite the 0.01·I regulariser.");
    }

    /// <summary>Layers at the first layer's grid (nearest upsampling, as in PaDiM), reduced to the chosen channels; rows P × d.</summary>
    internal static (float[] Rows, int Height, int Width) Stack(IReadOnlyList<FeatureMap> layers, int[] channels)
    {
        int h = layers[0].Height, w = layers[0].Width, positions = h * w, d = channels.Length;
        var rows = new float[positions * d];
        int layer = 0, layerStart = 0;
        for (int k = 0; k < d; k++)
        {
            int c = channels[k];
            while (c >= layerStart + layers[layer].Channels) { layerStart += layers[layer].Channels; layer++; }
            var m = layers[layer];
            var plane = m.Plane(0, c - layerStart);
            for (int y = 0; y < h; y++)
            {
                int sy = Math.Min(m.Height - 1, y * m.Height / h);
                for (int x = 0; x < w; x++)
                    rows[(y * w + x) * d + k] = plane[sy * m.Width + Math.Min(m.Width - 1, x * m.Width / w)];
            }
        }
        return (rows, h, w);
    }

    internal static int[] RandomChannels(int total, int d, int seed)
    {
        var all = Enumerable.Range(0, total).ToArray();
        new Random(seed).Shuffle(all);
        var pick = all[..d];
        Array.Sort(pick);
        return pick;
    }

    public Prediction Predict(Sample sample)
    {
        var source = _source ?? throw new InvalidOperationException("PaDiM is not fitted.");
        var f = source.Extract(sample);
        var (rows, h, w) = Stack(f.Maps, _channels);
        if (h != _gridH || w != _gridW) throw new InvalidOperationException($"Feature grid {h}×{w} differs from the fitted {_gridH}×{_gridW}.");
        int d = _channels.Length, packed = d * (d + 1) / 2;
        var grid = new float[h * w];
        Parallel.For(0, h * w, () => new float[d], (p, _, z) =>
        {
            var x = rows.AsSpan(p * d, d);
            var mean = _mean.AsSpan(p * d, d);
            for (int i = 0; i < d; i++) z[i] = x[i] - mean[i];
            grid[p] = (float)Math.Sqrt(Cholesky.SolveLowerSquaredNorm(_cholesky.AsSpan((int)((long)p * packed), packed), z, d));
            return z;
        }, _ => { });
        var map = PatchCore.PatchCoreDetector.ScoreMap(grid, h, w, source.Preprocessing, f.OriginalHeight, f.OriginalWidth);
        return new Prediction(map.Max(), map);
    }

    public void Save(ModelWriter writer)
    {
        var source = _source ?? throw new InvalidOperationException("PaDiM is not fitted.");
        var p = writer.Parameters;
        source.WriteTo(p);
        p["seed"] = Seed;
        p["epsilon"] = Epsilon;
        p["sigma"] = Sigma;
        p["grid"] = new System.Text.Json.Nodes.JsonArray(_gridH, _gridW);
        writer.AddArray("channels", _channels);
        writer.AddArray("mean", _mean, _gridH * _gridW, _channels.Length);
        writer.AddArray("cholesky", _cholesky, _gridH * _gridW, _channels.Length * (_channels.Length + 1) / 2);
    }

    public static PadimDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        var grid = p["grid"]?.AsArray() ?? throw reader.Error("PaDiM parameters have no 'grid'.");
        int gh = grid[0]!.GetValue<int>(), gw = grid[1]!.GetValue<int>();
        var channels = reader.ReadInts("channels");
        var mean = reader.ReadFloats("mean");
        var chol = reader.ReadFloats("cholesky");
        int d = channels.Length;
        if (mean.Length != gh * gw * d || chol.LongLength != (long)gh * gw * d * (d + 1) / 2) throw reader.Error("PaDiM arrays do not match the grid and channel count.");
        var source = FeatureSource.Read(p, reader);
        return new PadimDetector(source, p["seed"]!.GetValue<int>(), channels, mean, chol, gh, gw);
    }

    public void Dispose() => _source?.Dispose();
}
