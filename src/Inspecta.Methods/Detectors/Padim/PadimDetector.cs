using System.Numerics.Tensors;
using Inspecta.Datasets;
using Inspecta.Detectors.Components;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.Padim;

/// <summary>
/// PaDiM (Defard et al.): the features of layers 1–3 at every position of the layer-1 grid, reduced to
/// a seeded random channel subset, modelled by one Gaussian per position (covariance + 0.01·I); the
/// anomaly map is the Mahalanobis distance, smoothed with σ = 4.
/// </summary>
public sealed class PadimDetector : IAnomalyDetector, IBatchPredictor, IDisposable, IFitWarnings
{
    public const string MethodId = "padim";
    public const float Epsilon = 0.01f;
    public const float Sigma = 4f;
    public const long DefaultMaxMemoryBytes = 8L << 30;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _layers;
    private readonly Preprocessing _preprocessing;
    private readonly int? _requestedChannels;
    private FeatureSource? _source;

    /// <summary>Layers too coarse to localise (see <see cref="FeatureSource.CoarseLayerWarnings"/>).</summary>
    public IReadOnlyList<string> FitWarnings => _source?.CoarseLayerWarnings() ?? [];
    private int[] _channels = [];
    private float[] _mean = [];     // P × d
    private float[] _cholesky = []; // primal: P × d(d+1)/2 factors of Σ; dual: P × N(N+1)/2 factors of εI + B·Bᵀ
    private float[] _basis = [];    // dual only: P × N × d, the centred training features / √(N−1)
    private int _trainCount;
    private int _gridH, _gridW;

    public string Method => MethodId;
    public int Seed { get; }
    public long MaxMemoryBytes { get; }
    /// <summary>Size of the random channel subset (d).</summary>
    public int Dimension => _channels.Length;
    /// <summary>
    /// True when the Gaussians are stored in the dual (Woodbury) form: with fewer training images N than
    /// channels d, Σ = BᵀB + εI has rank-N structure, so Σ⁻¹ = (I − Bᵀ(εI + BBᵀ)⁻¹B)/ε needs only an
    /// N × N factorisation per position instead of d × d — the same distances, several times cheaper.
    /// </summary>
    public bool DualForm => _basis.Length > 0;

    /// <summary>Tests force one form (true = dual) to check both give the same distances.</summary>
    internal bool? FormOverride { get; init; }

    public PadimDetector(PadimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        _backboneSpec = options.Backbone;
        _layers = options.Layers;
        _preprocessing = options.Preprocessing();
        _requestedChannels = options.FeatureChannels;
        MaxMemoryBytes = options.MaxMemoryBytes;
        Seed = options.Seed;
    }

    private PadimDetector(FeatureSource source, int seed, int[] channels, float[] mean, float[] cholesky, float[] basis, int trainCount, int gridH, int gridW)
    {
        _source = source; _backboneSpec = source.Backbone.Info.Path; _layers = source.Layers; _preprocessing = source.Preprocessing;
        Seed = seed; _channels = channels; _mean = mean; _cholesky = cholesky; _basis = basis; _trainCount = trainCount; _gridH = gridH; _gridW = gridW;
        MaxMemoryBytes = DefaultMaxMemoryBytes;
    }

    /// <summary>Default subset size: 100 for ResNet-18-like widths (≤ 448 channels in total), else 550.</summary>
    public static int DefaultChannels(int totalChannels) => totalChannels <= 448 ? 100 : 550;

    /// <summary>Bytes PaDiM needs to fit: the training features, the packed factors, the means and per-thread work.</summary>
    public static long EstimateMemory(int images, int positions, int d)
    {
        long features = (long)images * positions * d * 4, means = (long)positions * d * 4;
        long model = images < d
            ? features + (long)positions * images * (images + 1) / 2 * 4   // dual: basis + N×N factors
            : (long)positions * d * (d + 1) / 2 * 4;                        // primal: d×d factors
        int m = Math.Min(images, d);
        return features + means + model + (long)Environment.ProcessorCount * (m * m * 12L + (long)d * images * 4);
    }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
        if (good.Count < 2) throw new InspectaUserException($"PaDiM needs at least two good training images to estimate covariances; got {good.Count}.");
        _source?.Dispose();
        _source = FeatureSource.Open(_backboneSpec, _preprocessing, _layers);
        var outputs = _source.Layers.Select(l => _source.Backbone.Info.Output(l)).ToArray();
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
                    throw new InspectaUserException($"PaDiM would need about {Size(need)} for {n} images × {positions} positions × {d} channels, above --max-memory {Size(MaxMemoryBytes)}. " +
                                                    "Use fewer --channels, a smaller --image-size, or raise --max-memory.");
                if ((long)positions * d * n > Array.MaxLength) throw new InspectaUserException($"PaDiM features of {n} images do not fit one array; use fewer --channels or images.");
                features = new float[positions * d * n];
            }
            for (int p = 0; p < positions; p++)
                for (int c = 0; c < d; c++)
                    features[((long)p * d + c) * n + i] = rows[p * d + c];
        }, progress, ct);

        _trainCount = n;
        bool dual = FormOverride ?? n < d;
        int m = dual ? n : d, packed = m * (m + 1) / 2;
        _mean = new float[positions * d];
        _cholesky = new float[(long)positions * packed];
        _basis = dual ? new float[(long)positions * n * d] : [];
        int done = 0;
        var failed = new System.Collections.Concurrent.ConcurrentBag<int>();
        double scale = 1.0 / Math.Sqrt(n - 1);
        Parallel.For(0, positions, new ParallelOptions { CancellationToken = ct }, () => (Gram: new double[m * m], Product: new float[m * m], Centered: new float[d * n]), (p, _, work) =>
        {
            var x = features.AsSpan((int)((long)p * d * n), d * n);
            var mean = _mean.AsSpan(p * d, d);
            // Centered holds Bᵀ = (X − μ)ᵀ/√(N−1), d × N row-major.
            for (int c = 0; c < d; c++)
            {
                var col = x.Slice(c * n, n);
                mean[c] = TensorPrimitives.Sum<float>(col) / n;
                var dst = work.Centered.AsSpan(c * n, n);
                TensorPrimitives.Subtract(col, mean[c], dst);
                TensorPrimitives.Multiply(dst, (float)scale, dst);
            }
            if (dual)
            {
                var basis = _basis.AsSpan((int)((long)p * n * d), n * d);
                for (int c = 0; c < d; c++)
                    for (int i = 0; i < n; i++) basis[i * d + c] = work.Centered[c * n + i];
                Search.Sgemm.MultiplyTransposed(basis, n, basis, n, d, work.Product);   // B·Bᵀ, N × N
            }
            else Search.Sgemm.MultiplyTransposed(work.Centered, d, work.Centered, d, n, work.Product); // BᵀB = Σ − εI, d × d
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j <= i; j++) work.Gram[i * m + j] = work.Product[i * m + j];
                work.Gram[i * m + i] += Epsilon;
            }
            if (!Cholesky.FactorInPlace(work.Gram, m)) failed.Add(p);
            Cholesky.Pack(work.Gram, m, _cholesky.AsSpan((int)((long)p * packed), packed));
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
        var features = source.Extract(sample);
        using var _ = Diagnostics.StageTimer.Measure("score");   // Mahalanobis distances and the map
        return Score(source, features);
    }

    /// <summary>One backbone run for the whole batch; each result equals <see cref="Predict"/> of that sample.</summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<Sample> samples)
    {
        var source = _source ?? throw new InvalidOperationException("PaDiM is not fitted.");
        return source.ExtractBatch(samples).Select(f => Score(source, f)).ToArray();
    }

    private Prediction Score(FeatureSource source, FeatureSource.Extracted f)
    {
        var (rows, h, w) = Stack(f.Maps, _channels);
        if (h != _gridH || w != _gridW) throw new InvalidOperationException($"Feature grid {h}×{w} differs from the fitted {_gridH}×{_gridW}.");
        int d = _channels.Length, n = _trainCount;
        bool dual = DualForm;
        int m = dual ? n : d, packed = m * (m + 1) / 2;
        var grid = new float[h * w];
        Parallel.For(0, h * w, () => (Z: new float[d], U: new float[m]), (p, _, buf) =>
        {
            var z = buf.Z.AsSpan();
            TensorPrimitives.Subtract(rows.AsSpan(p * d, d), _mean.AsSpan(p * d, d), z);
            var factor = _cholesky.AsSpan((int)((long)p * packed), packed);
            double squared;
            if (dual)
            {
                // zᵀΣ⁻¹z = (‖z‖² − ‖L⁻¹Bz‖²)/ε with L·Lᵀ = εI + B·Bᵀ.
                var basis = _basis.AsSpan((int)((long)p * n * d), n * d);
                for (int i = 0; i < n; i++) buf.U[i] = TensorPrimitives.Dot<float>(basis.Slice(i * d, d), z);
                double zz = 0;
                foreach (float v in z) zz += (double)v * v;
                squared = Math.Max(0, (zz - Cholesky.SolveLowerSquaredNorm(factor, buf.U, n)) / Epsilon);
            }
            else squared = Cholesky.SolveLowerSquaredNorm(factor, z, d);
            grid[p] = (float)Math.Sqrt(squared);
            return buf;
        }, _ => { });
        var map = GridScoreMap.ToImage(grid, h, w, source.Preprocessing, f.OriginalHeight, f.OriginalWidth, Sigma);
        return new Prediction(map.Max(), map);
    }

    public void Save(ModelWriter writer)
    {
        var source = _source ?? throw new InvalidOperationException("PaDiM is not fitted.");
        var p = writer.Parameters;
        source.WriteTo(p);
        p["seed"] = Seed; // PaDiM's other options shape the fit only; their effect is in the arrays
        p["epsilon"] = Epsilon;
        p["sigma"] = Sigma;
        p["grid"] = new System.Text.Json.Nodes.JsonArray(_gridH, _gridW);
        writer.AddArray("channels", _channels);
        writer.AddArray("mean", _mean, _gridH * _gridW, _channels.Length);
        p["train_images"] = _trainCount;
        p["form"] = DualForm ? "dual" : "primal";
        int m = DualForm ? _trainCount : _channels.Length;
        writer.AddArray("cholesky", _cholesky, _gridH * _gridW, m * (m + 1) / 2);
        if (DualForm) writer.AddArray("basis", _basis, _gridH * _gridW, _trainCount, _channels.Length);
    }

    internal static PadimDetector Load(ModelReader reader, PadimOptions options)
    {
        var grid = reader.Ints("grid");
        if (grid.Length != 2 || grid[0] < 1 || grid[1] < 1) throw reader.Error("PaDiM parameter 'grid' must hold two positive sizes.");
        int gh = grid[0], gw = grid[1];
        var channels = reader.ReadInts("channels");
        var mean = reader.ReadFloats("mean");
        var chol = reader.ReadFloats("cholesky");
        int d = channels.Length, n = reader.Int("train_images");
        bool dual = reader.String("form") == "dual";
        float[] basis = dual ? reader.ReadFloats("basis") : [];
        int m = dual ? n : d;
        if (mean.Length != gh * gw * d || chol.LongLength != (long)gh * gw * m * (m + 1) / 2 || (dual && basis.LongLength != (long)gh * gw * n * d))
            throw reader.Error("PaDiM arrays do not match the grid, channel and image counts.");
        var source = FeatureSource.Read(reader.Parameters, reader); // the ONNX session last: nothing can fail after it
        return new PadimDetector(source, options.Seed, channels, mean, chol, basis, n, gh, gw);
    }

    public void Dispose() => _source?.Dispose();

    private static string Size(long bytes) =>
        bytes >= 1_000_000_000 ? $"{bytes / 1e9:F1} GB" : bytes >= 1_000_000 ? $"{bytes / 1e6:F1} MB" : $"{bytes / 1e3:F1} kB";
}
