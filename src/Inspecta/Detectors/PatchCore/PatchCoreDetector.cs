using Inspecta.Datasets;
using Inspecta.Diagnostics;
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
    private readonly PatchCoreEmbedder _embedder;
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
    /// <summary>The memory bank (null before fitting), for diagnostics.</summary>
    internal PatchMemoryBank? Bank => _bank;
    /// <summary>Seconds spent in coreset selection during the last fit.</summary>
    public double CoresetSeconds => _bank?.CoresetSeconds ?? 0;

    public PatchCoreDetector(FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _backboneSpec = options.Backbone ?? DefaultBackbone;
        _embedder = new PatchCoreEmbedder(Dimension, Dimension, compact: true);
        _layers = options.Layers;
        _preprocessing = Preprocessing.For(options.ImageSize ?? 224, options.CenterCrop);
        CoresetRatio = options.CoresetRatio ?? DefaultCoresetRatio;
        if (CoresetRatio is <= 0 or > 1 || double.IsNaN(CoresetRatio)) throw new InspectaUserException($"--coreset must be in (0, 1], got {CoresetRatio}.");
        NumNeighbours = options.NumNeighbours ?? DefaultNumNeighbours;
        if (NumNeighbours < 1) throw new InspectaUserException($"--num-neighbours must be at least 1, got {NumNeighbours}.");
        Seed = options.Seed;
    }

    private PatchCoreDetector(FeatureSource source, double coreset, int neighbours, int seed, PatchMemoryBank bank, PatchCoreEmbedder embedder)
    {
        _source = source;
        _embedder = embedder;
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
                perImage = rows.Length / _embedder.RowLength([.. f.Maps.Select(m => m.Channels)]);
                if ((long)good.Count * rows.Length > Array.MaxLength)
                    throw new InspectaUserException($"The memory bank of {good.Count} images × {perImage} patches is too large; use fewer images or a smaller --image-size.");
                all = new float[good.Count * rows.Length];
            }
            rows.CopyTo(all.AsSpan(i * rows.Length));
        }, progress, ct);
        _bank = PatchMemoryBank.Build(all!, good.Count * perImage, all!.Length / (good.Count * perImage), CoresetRatio, Seed, progress, ct);
    }

    public Prediction Predict(Sample sample)
    {
        var source = _source ?? throw new InvalidOperationException("PatchCore is not fitted.");
        var f = source.Extract(sample);
        float[] rows;
        int h, w;
        using (StageTimer.Measure("embed")) (rows, h, w) = _embedder.Embed(f.Maps);
        int positions = h * w;
        var bank = _bank!;
        float[] dist;
        float score;
        using (StageTimer.Measure("search"))
        {
            dist = bank.PatchScores(rows, positions, out var nearest);
            score = bank.ImageScore(rows, positions, dist, nearest, NumNeighbours);
        }
        using var _ = StageTimer.Measure("map");
        return new Prediction(score, ScoreMap(dist, h, w, source.Preprocessing, f.OriginalHeight, f.OriginalWidth));
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
        var queries = new float[(long)total * _bank!.Dimension];
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
        // Compact rows (see PatchCoreEmbedder): same distances as the full 1024-d rows; older files have full rows.
        if (_embedder.CompactWhenExact && _embedder.CompactWeights([.. source.Layers.Select(l => source.Backbone.Info.Output(l).Channels)]) is not null)
            p["embedding"] = "compact";
        p["sigma"] = Sigma;
        _bank!.Save(writer);
    }

    public static PatchCoreDetector Load(ModelReader reader)
    {
        var p = reader.Parameters;
        int dim = p["dimension"]?.GetValue<int>() ?? throw reader.Error("PatchCore parameters have no 'dimension'.");
        if (dim != Dimension) throw reader.Error($"PatchCore dimension {dim} is not supported (expected {Dimension}).");
        string embedding = p["embedding"]?.GetValue<string>() ?? "full";
        if (embedding is not ("full" or "compact")) throw reader.Error($"unknown PatchCore embedding '{embedding}'.");
        var embedder = new PatchCoreEmbedder(Dimension, Dimension, compact: embedding == "compact");
        var bank = PatchMemoryBank.Load(reader);
        var source = FeatureSource.Read(p, reader);
        int expected = embedder.RowLength([.. source.Layers.Select(l => source.Backbone.Info.Output(l).Channels)]);
        if (bank.Dimension != expected)
        {
            source.Dispose();
            throw reader.Error($"the PatchCore bank has {bank.Dimension} values per patch, expected {expected}.");
        }
        return new PatchCoreDetector(source, p["coreset_ratio"]!.GetValue<double>(), p["num_neighbours"]!.GetValue<int>(),
            p["seed"]!.GetValue<int>(), bank, embedder);
    }

    public void Dispose() => _source?.Dispose();
}
