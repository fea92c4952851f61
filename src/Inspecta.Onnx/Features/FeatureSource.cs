using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Diagnostics;
using Inspecta.Imaging;

namespace Inspecta.Features;

/// <summary>
/// A backbone plus what the detectors need around it: the preprocessing, the chosen layers, batched
/// extraction of samples (images decoded and preprocessed in parallel), and the manifest record that
/// pins the exact backbone file by SHA-256.
/// </summary>
public sealed class FeatureSource : IDisposable
{
    public const int DefaultBatchSize = 8;

    public OnnxBackbone Backbone { get; }
    public Preprocessing Preprocessing { get; }
    public IReadOnlyList<string> Layers { get; }

    /// <summary>One extracted sample: per layer a single-item map, and the original image size.</summary>
    public readonly record struct Extracted(FeatureMap[] Maps, int OriginalHeight, int OriginalWidth);

    private FeatureSource(OnnxBackbone backbone, Preprocessing preprocessing, IReadOnlyList<string> layers)
    {
        Backbone = backbone; Preprocessing = preprocessing; Layers = layers;
        foreach (string l in layers) backbone.Info.Output(l);
    }

    /// <summary>
    /// Opens <paramref name="backbone"/> (path or preset) and checks the layers exist. Without
    /// <paramref name="layers"/>, <paramref name="pickDefault"/> chooses from the backbone's default
    /// layers (the preset's, else every spatial output from shallow to deep).
    /// </summary>
    public static FeatureSource Open(string backbone, Preprocessing preprocessing, IReadOnlyList<string>? layers,
        Func<IReadOnlyList<string>, IReadOnlyList<string>>? pickDefault = null)
    {
        if (layers is { Count: 0 }) throw new InspectaUserException("No feature layers given (--layers).");
        if (layers?.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InspectaUserException($"--layers lists '{twice.Key}' more than once.");
        var b = OnnxBackbone.Open(backbone, probeSize: preprocessing.NetworkSize);
        try
        {
            if (layers is null)
            {
                var defaults = BackbonePreset.Find(b.Info.Name)?.Layers
                    ?? b.Info.Outputs.Where(o => o.Stride > 0).OrderBy(o => o.Stride).Select(o => o.Name).ToArray();
                layers = pickDefault is null ? defaults : pickDefault(defaults);
            }
            return new FeatureSource(b, preprocessing, layers);
        }
        catch { b.Dispose(); throw; }
    }

    /// <summary>Feature cells per side below which a layer's map cannot say where a defect is (a defect region is then a
    /// quarter of the image or more; 1×1 for global outputs such as logits).</summary>
    public const int MinCellsPerSide = 4;

    /// <summary>One warning per chosen layer whose map has fewer than <see cref="MinCellsPerSide"/> cells per side at this input size.</summary>
    public IReadOnlyList<string> CoarseLayerWarnings()
    {
        var warnings = new List<string>();
        foreach (string layer in Layers)
        {
            var output = Backbone.Info.Output(layer);
            int cells = output.Stride <= 0 ? 1 : Math.Max(1, Preprocessing.NetworkSize / output.Stride);
            if (cells >= MinCellsPerSide) continue;
            string spatial = string.Join(",", Backbone.Info.Outputs.Where(o => o.Stride > 0 && Preprocessing.NetworkSize / o.Stride >= MinCellsPerSide).Select(o => o.Name));
            warnings.Add($"layer '{layer}' gives a {cells}×{cells} map at {Preprocessing.NetworkSize} px input" + (output.Stride <= 0 ? " (a global output)" : "") +
                $": fewer than {MinCellsPerSide} cells per side cannot localise a defect, and the max-area verdict then marks whole images. " +
                (spatial.Length > 0 ? $"Choose spatial layers (--layers among {spatial})" : "Choose spatial layers") + " or a larger --image-size.");
        }
        return warnings;
    }

    public Extracted Extract(Sample sample)
    {
        ImageF image, input;
        using (StageTimer.Measure("decode")) image = sample.LoadImage();
        using (StageTimer.Measure("preprocess")) input = Preprocessing.Apply(image);
        var maps = Backbone.Extract([input], Layers);
        RequireFinite(maps, 0, sample);
        return new Extracted(maps, image.Height, image.Width);
    }

    /// <summary>
    /// Extracts several samples with one backbone run (images decoded and preprocessed in parallel);
    /// each result is the same as <see cref="Extract(Sample)"/> of that sample.
    /// </summary>
    public Extracted[] ExtractBatch(IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return [];
        var inputs = new ImageF[samples.Count];
        var sizes = new (int H, int W)[samples.Count];
        try
        {
            Parallel.For(0, samples.Count, i =>
            {
                ImageF image;
                using (StageTimer.Measure("decode")) image = samples[i].LoadImage();
                sizes[i] = (image.Height, image.Width);
                using (StageTimer.Measure("preprocess")) inputs[i] = Preprocessing.Apply(image);
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.OfType<InspectaUserException>().FirstOrDefault() is { } user)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(user).Throw();
        }
        var maps = Backbone.Extract(inputs, Layers);
        for (int i = 0; i < samples.Count; i++) RequireFinite(maps, i, samples[i]);
        var result = new Extracted[samples.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = new Extracted(maps.Select(m => m.Slice(i)).ToArray(), sizes[i].H, sizes[i].W);
        return result;
    }

    /// <summary>
    /// Extracts all samples in batches, calling <paramref name="onSample"/> with each sample's index
    /// and features, in order. Memory holds one batch at a time.
    /// </summary>
    public void ExtractAll(IReadOnlyList<Sample> samples, Action<int, Extracted> onSample,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default, string stage = "features")
    {
        var inputs = new ImageF[DefaultBatchSize];
        var sizes = new (int H, int W)[DefaultBatchSize];
        for (int start = 0; start < samples.Count; start += DefaultBatchSize)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(DefaultBatchSize, samples.Count - start);
            try
            {
                Parallel.For(0, n, i =>
                {
                    var image = samples[start + i].LoadImage();
                    sizes[i] = (image.Height, image.Width);
                    inputs[i] = Preprocessing.Apply(image);
                });
            }
            catch (AggregateException ex) when (ex.InnerExceptions.OfType<InspectaUserException>().FirstOrDefault() is { } user)
            {
                // A corrupt image is the user's problem: surface its message, not the parallel wrapper.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(user).Throw();
            }
            var maps = Backbone.Extract(inputs.AsSpan(0, n).ToArray(), Layers);
            for (int i = 0; i < n; i++) RequireFinite(maps, i, samples[start + i]);
            for (int i = 0; i < n; i++)
                onSample(start + i, new Extracted(maps.Select(m => m.Slice(i)).ToArray(), sizes[i].H, sizes[i].W));
            progress?.Report(new ProgressUpdate(stage, start + n, samples.Count));
        }
    }

    /// <summary>
    /// Pixel values far outside [0, 1] (a float TIFF in other units) can overflow the network: a user error naming
    /// the image, instead of infinities reaching the search or the scores.
    /// </summary>
    private static void RequireFinite(FeatureMap[] maps, int item, Sample sample)
    {
        foreach (var map in maps)
            if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum<float>(map.Item(item))))
                throw InspectaUserException.ForFile(Detectors.SampleImages.Describe(sample),
                    "the backbone's features overflowed on this image (non-finite values); images must hold intensities in [0, 1] (8/16-bit) or comparable float values.");
    }

    /// <summary>The manifest record: backbone identity (name, path, SHA-256), layers and preprocessing.</summary>
    public void WriteTo(JsonObject parameters)
    {
        parameters["backbone"] = new JsonObject
        {
            ["name"] = Backbone.Info.Name,
            ["path"] = Backbone.Info.Path,
            ["sha256"] = Backbone.Info.Sha256,
        };
        parameters["layers"] = new JsonArray(Layers.Select(l => (JsonNode)l).ToArray());
        parameters["preprocessing"] = Preprocessing.ToJson();
    }

    /// <summary>
    /// Re-opens the backbone a model was fitted with, found by its SHA-256 (<see cref="BackboneLocator"/>).
    /// </summary>
    public static FeatureSource Read(JsonObject parameters, Persistence.ModelReader reader)
    {
        var b = parameters["backbone"] as JsonObject ?? throw reader.Error("the manifest has no 'backbone'.");
        string name = b["name"]?.GetValue<string>() ?? throw reader.Error("the backbone has no 'name'.");
        string? path = b["path"]?.GetValue<string>();
        string sha = b["sha256"]?.GetValue<string>() ?? throw reader.Error("the backbone has no 'sha256'.");
        var layers = (parameters["layers"] as JsonArray ?? throw reader.Error("the manifest has no 'layers'."))
            .Select(n => n!.GetValue<string>()).ToArray();
        var pre = Preprocessing.FromJson(parameters["preprocessing"], reader.Error);
        // Found by hash before the graph is loaded: a different file may not even parse.
        var resolved = BackboneLocator.Locate(name, path, sha, reader);
        string actualSha = sha.ToLowerInvariant();
        var backbone = OnnxBackbone.Open(resolved, pre.NetworkSize, actualSha);
        FeatureSource source;
        try { source = new FeatureSource(backbone, pre, layers); }
        catch { backbone.Dispose(); throw; }
        return source;
    }

    public void Dispose() => Backbone.Dispose();
}
