using Inspecta.Datasets;
using Inspecta.Features;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Detectors.PatchCore;

/// <summary>
/// PatchCore (Roth et al., "Towards Total Recall in Industrial Anomaly Detection"): a memory bank of
/// locally aware patch features from good images, reduced by greedy k-center coreset; a test patch's
/// score is its exact L2 distance to the nearest bank patch.
/// </summary>
public sealed class PatchCoreDetector : IAnomalyDetector, IBatchPredictor, IDisposable
{
    public const string MethodId = "patchcore";
    public const string DefaultBackbone = BackbonePreset.DefaultName;
    public const double DefaultCoresetRatio = 0.1;
    public const int DefaultNumNeighbours = 3;
    public const int Dimension = 1024;
    public const float Sigma = 4f;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _layers;
    private readonly Preprocessing _preprocessing;
    private readonly PatchCoreEmbedder _embedder = new(Dimension, Dimension);
    private FeatureSource? _source;
    private PatchMemoryBank? _bank;

    public string Method => MethodId;
    public double CoresetRatio { get; }
    public int NumNeighbours { get; }
    public int Seed { get; }
    /// <summary>Number of patches in the (coreset) memory bank.</summary>
    public int BankSize => _bank?.Count ?? 0;
    /// <summary>Patches before coreset reduction (0 after loading a file written without it).</summary>
    public int FullBankSize => _bank?.FullCount ?? 0;
    /// <summary>Seconds spent in coreset selection during the last fit.</summary>
    public double CoresetSeconds => _bank?.CoresetSeconds ?? 0;

    /// <summary>Optional timing sink for benchmarks: backbone, search and map milliseconds per prediction.</summary>
    public Action<double, double, double>? PredictTimings { get; set; }

    public PatchCoreDetector(FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _backboneSpec = options.Backbone ?? DefaultBackbone;
        _layers = options.Layers;
        _preprocessing = Preprocessing.For(options.ImageSize ?? 224, options.CenterCrop);
        CoresetRatio = options.CoresetRatio ?? DefaultCoresetRatio;
        if (CoresetRatio is <= 0 or > 1 || double.IsNaN(CoresetRatio)) throw new InspectaUserException($"--coreset must be in (0, 1], got {CoresetRatio}.");
        NumNeighbours = options.NumNeighbours ?? DefaultNumNeighbours;
        if (NumNeighbours < 1) throw new InspectaUserException($"--num-neighbours must be at least 1, got {NumNeighbours}.");
        Seed = options.Seed;
    }

    private PatchCoreDetector(FeatureSource source, double coreset, int neighbours, int seed, PatchMemoryBank bank)
    {
        _source = source;
        _backboneSpec = source.Backbone.Info.Path;
        _layers = source.Layers;
        _preprocessing = source.Preprocessing;
        CoresetRatio = coreset; NumNeighbours = neighbours; Seed = seed;
        _bank = bank;
    }

    public void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        if (good.Count == 0) throw new InspectaUserException("PatchCore needs at least one good training image; the train set is empty.");
        _source?.Dispose();
        _source = FeatureSource.Open(_backboneSpec, _preprocessing, _layers, l => l.TakeLast(2).ToArray());
        float[]? all = null;
        int perImage = 0;
        _source.ExtractAll(good, (i, f) =>
        {
            var (rows, _, _) = _embedder.Embed(f.Maps);
            if (all is null)
            {
                perImage = rows.Length / Dimension;
                if ((long)good.Count * rows.Length > Array.MaxLength)
                    throw new InspectaUserException($"The memory bank of {good.Count} images × {perImage} patches is too large; use fewer images or a smaller --image-size.");
                all = new float[good.Count * rows.Length];
            }
            rows.CopyTo(all.AsSpan(i * rows.Length));
        }, progress, ct);
        _bank = PatchMemoryBank.Build(all!, good.Count * perImage, Dimension, CoresetRatio, Seed, progress, ct);
    }

    public Prediction Predict(Sample sample)
    {
        var source = _source ?? throw new InvalidOperationException("PatchCore is not fitted.");
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var f = source.Extract(sample);
        var (rows, h, w) = _embedder.Embed(f.Maps);
        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        int positions = h * w;
        var bank = _bank!;
        var dist = bank.PatchScores(rows, positions, out var nearest);
        float score = bank.ImageScore(rows, positions, dist, nearest, NumNeighbours);
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        var map = ScoreMap(dist, h, w, source.Preprocessing, f.OriginalHeight, f.OriginalWidth);
        var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        PredictTimings?.Invoke(Ms(t0, t1), Ms(t1, t2), Ms(t2, t3));
        return new Prediction(score, map);
    }

    /// <summary>
    /// One backbone run for the whole batch and one nearest-neighbour search over all its patches;
    /// every result equals <see cref="Predict"/> of that sample (each query's search is independent).
    /// </summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<Sample> samples)
    {
        var source = _source ?? throw new InvalidOperationException("PatchCore is not fitted.");
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return [];
        var extracted = source.ExtractBatch(samples);
        var embedded = new (float[] Rows, int H, int W)[samples.Count];
        int total = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            embedded[i] = _embedder.Embed(extracted[i].Maps);
            total += embedded[i].H * embedded[i].W;
        }
        var queries = new float[(long)total * Dimension];
        for (int i = 0, at = 0; i < samples.Count; at += embedded[i].Rows.Length, i++) embedded[i].Rows.CopyTo(queries.AsSpan(at));
        var bank = _bank!;
        var dist = bank.PatchScores(queries, total, out var nearest);
        var result = new Prediction[samples.Count];
        for (int i = 0, at = 0; i < samples.Count; i++)
        {
            var (rows, h, w) = embedded[i];
            int positions = h * w;
            var d = dist.AsSpan(at, positions).ToArray();
            float score = bank.ImageScore(rows, positions, d, nearest.AsSpan(at, positions).ToArray(), NumNeighbours);
            result[i] = new Prediction(score, ScoreMap(d, h, w, source.Preprocessing, extracted[i].OriginalHeight, extracted[i].OriginalWidth));
            at += positions;
        }
        return result;
    }

    private static double Ms(long a, long b) => (b - a) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Patch grid → bilinear to the network input → Gaussian σ = 4 → original image size.</summary>
    internal static AnomalyMap ScoreMap(float[] grid, int h, int w, Preprocessing pre, int originalHeight, int originalWidth)
    {
        var coarse = new AnomalyMap(h, w, grid);
        var input = Resize.Bilinear(coarse, pre.InputSize, pre.InputSize);
        GaussianBlur.Apply(input, Sigma);
        return pre.ToOriginal(input, originalHeight, originalWidth);
    }

    public void Save(ModelWriter writer)
    {
        var source = _source ?? throw new InvalidOperationException("PatchCore is not fitted.");
        var p = writer.Parameters;
        source.WriteTo(p);
        p["coreset_ratio"] = CoresetRatio;
        p["num_neighbours"] = NumNeighbours;
        p["seed"] = Seed;
        p["dimension"] = Dimension;
        p["sigma"] = Sigma;
        _bank!.Save(writer);
    }

    public static PatchCoreDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        int dim = p["dimension"]?.GetValue<int>() ?? throw reader.Error("PatchCore parameters have no 'dimension'.");
        if (dim != Dimension) throw reader.Error($"PatchCore dimension {dim} is not supported (expected {Dimension}).");
        var bank = PatchMemoryBank.Load(reader);
        if (bank.Dimension != Dimension) throw reader.Error("the PatchCore bank has the wrong shape.");
        var source = FeatureSource.Read(p, reader);
        return new PatchCoreDetector(source, p["coreset_ratio"]!.GetValue<double>(), p["num_neighbours"]!.GetValue<int>(),
            p["seed"]!.GetValue<int>(), bank);
    }

    public void Dispose() => _source?.Dispose();
}
