using Inspecta.Datasets;
using Inspecta.Detectors.Components;
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
public sealed class PatchCoreDetector : IAnomalyDetector, IBatchPredictor, IDisposable, IFitWarnings
{
    public const string MethodId = "patchcore";
    public const int Dimension = 1024;
    public const float Sigma = GridScoreMap.DefaultSigma;

    private readonly string _backboneSpec;
    private readonly IReadOnlyList<string>? _layers;
    private readonly Preprocessing _preprocessing;
    private readonly PatchEmbedder _embedder;
    private FeatureSource? _source;

    /// <summary>Layers too coarse to localise (see <see cref="FeatureSource.CoarseLayerWarnings"/>).</summary>
    public IReadOnlyList<string> FitWarnings => _source?.CoarseLayerWarnings() ?? [];
    private PatchMemoryBank? _bank;

    public string Method => MethodId;
    public PatchCoreOptions Options { get; }
    public double CoresetRatio => Options.CoresetRatio;
    public int NumNeighbours => Options.NumNeighbours;
    public int Seed => Options.Seed;
    /// <summary>Number of patches in the (coreset) memory bank.</summary>
    public int BankSize => _bank?.Count ?? 0;
    /// <summary>Patches before coreset reduction (0 after loading a file written without it).</summary>
    public int FullBankSize => _bank?.FullCount ?? 0;
    /// <summary>The memory bank (null before fitting), for diagnostics.</summary>
    internal PatchMemoryBank? Bank => _bank;
    /// <summary>Seconds spent in coreset selection during the last fit.</summary>
    public double CoresetSeconds => _bank?.CoresetSeconds ?? 0;

    public PatchCoreDetector(PatchCoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema().Validate(options);
        Options = options;
        _backboneSpec = options.Backbone;
        _embedder = new PatchEmbedder(Dimension, Dimension, compact: true);
        _layers = options.Layers;
        _preprocessing = options.Preprocessing();
    }

    private PatchCoreDetector(FeatureSource source, PatchCoreOptions options, PatchMemoryBank bank, PatchEmbedder embedder)
    {
        _source = source;
        _embedder = embedder;
        _backboneSpec = source.Backbone.Info.Path;
        _layers = source.Layers;
        _preprocessing = source.Preprocessing;
        Options = options;
        _bank = bank;
    }

    public void Fit(FitContext context)
    {
        var (good, progress, ct) = (context.Train, context.Progress, context.Cancellation);
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
        var (f, rows, h, w) = Embed(source, sample);
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

    /// <summary>The backbone features of a sample and their patch rows (the search queries; the search benchmark times them alone).</summary>
    internal (FeatureSource.Extracted Features, float[] Rows, int Height, int Width) Embed(Sample sample) =>
        Embed(_source ?? throw new InvalidOperationException("PatchCore is not fitted."), sample);

    private (FeatureSource.Extracted Features, float[] Rows, int Height, int Width) Embed(FeatureSource source, Sample sample)
    {
        var f = source.Extract(sample);
        using (StageTimer.Measure("embed"))
        {
            var (rows, h, w) = _embedder.Embed(f.Maps);
            return (f, rows, h, w);
        }
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

    internal static AnomalyMap ScoreMap(float[] grid, int h, int w, Preprocessing pre, int originalHeight, int originalWidth) =>
        GridScoreMap.ToImage(grid, h, w, pre, originalHeight, originalWidth, Sigma);

    public void Save(ModelWriter writer)
    {
        var source = _source ?? throw new InvalidOperationException("PatchCore is not fitted.");
        var p = writer.Parameters;
        source.WriteTo(p);
        Options.Schema().WriteTo(Options, p);
        p["dimension"] = Dimension;
        // Compact rows (see PatchEmbedder): same distances as the full 1024-d rows; older files have full rows.
        if (_embedder.CompactWhenExact && _embedder.CompactWeights([.. source.Layers.Select(l => source.Backbone.Info.Output(l).Channels)]) is not null)
            p["embedding"] = "compact";
        p["sigma"] = Sigma;
        _bank!.Save(writer);
    }

    internal static PatchCoreDetector Load(ModelReader reader, PatchCoreOptions options)
    {
        int dim = reader.Int("dimension");
        if (dim != Dimension) throw reader.Error($"PatchCore dimension {dim} is not supported (expected {Dimension}).");
        string embedding = reader.Parameters["embedding"] is null ? "full" : reader.String("embedding");
        if (embedding is not ("full" or "compact")) throw reader.Error($"unknown PatchCore embedding '{embedding}'.");
        var embedder = new PatchEmbedder(Dimension, Dimension, compact: embedding == "compact");
        var bank = PatchMemoryBank.Load(reader);
        var source = FeatureSource.Read(reader.Parameters, reader); // the ONNX session last: only the shape check can fail after it
        int expected = embedder.RowLength([.. source.Layers.Select(l => source.Backbone.Info.Output(l).Channels)]);
        if (bank.Dimension != expected)
        {
            source.Dispose();
            throw reader.Error($"the PatchCore bank has {bank.Dimension} values per patch, expected {expected}.");
        }
        return new PatchCoreDetector(source, options, bank, embedder);
    }

    public void Dispose() => _source?.Dispose();
}
