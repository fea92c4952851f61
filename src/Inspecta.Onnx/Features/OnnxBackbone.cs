using Inspecta.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Inspecta.Features;

/// <summary>
/// A pretrained CNN run by ONNX Runtime that turns a batch of normalised RGB images into named
/// feature maps. Any ONNX graph with one float32 NCHW image input works; its outputs' strides and
/// channel counts are discovered by a probe run. Thread-safe (runs are serialised: the runtime
/// already uses every core for one batch).
/// </summary>
public sealed class OnnxBackbone : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly Lock _gate = new();
    private float[] _inputBuffer = [];
    private bool _disposed;

    public BackboneInfo Info { get; }

    private OnnxBackbone(InferenceSession session, SessionOptions options, BackboneInfo info)
    {
        _session = session; _options = options; Info = info;
        Interlocked.Increment(ref _open);
    }

    private static int _open;

    /// <summary>Backbones opened and not yet disposed in this process (tests check that failed loads leak no session).</summary>
    internal static int OpenCount => Volatile.Read(ref _open);

    /// <summary>
    /// Opens a backbone from a path or preset name (see <see cref="ModelCache.Resolve"/>), probes its
    /// outputs at <paramref name="probeSize"/>² and computes its SHA-256.
    /// </summary>
    public static OnnxBackbone Open(string pathOrPreset, string? cacheDirectory = null, int probeSize = 224) =>
        Open(ModelCache.Resolve(pathOrPreset, cacheDirectory), probeSize, null);

    /// <summary>Opens an already resolved file; <paramref name="knownSha256"/> skips re-hashing it.</summary>
    internal static OnnxBackbone Open((string Path, string Name) resolved, int probeSize, string? knownSha256)
    {
        var (path, name) = resolved;
        string sha = knownSha256 ?? ModelCache.Sha256Of(path);
        var options = new SessionOptions
        {
            IntraOpNumThreads = Environment.ProcessorCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        InferenceSession session;
        try { session = new InferenceSession(path, options); }
        catch (OnnxRuntimeException ex)
        {
            options.Dispose();
            throw InspectaUserException.ForFile(path, $"not a loadable ONNX model ({ex.Message}).", ex);
        }
        try
        {
            var info = Probe(session, name, path, sha, probeSize);
            return new OnnxBackbone(session, options, info);
        }
        catch
        {
            session.Dispose(); options.Dispose();
            throw;
        }
    }

    private static BackboneInfo Probe(InferenceSession session, string name, string path, string sha, int probeSize)
    {
        var floatInputs = session.InputMetadata.Where(kv => kv.Value.ElementType == typeof(float) && kv.Value.Dimensions.Length == 4).ToList();
        if (floatInputs.Count != 1 || session.InputMetadata.Count != 1)
            throw InspectaUserException.ForFile(path, $"a backbone needs exactly one float32 NCHW image input; this model has {session.InputMetadata.Count} input(s).");
        var (inputName, meta) = floatInputs[0];
        if (meta.Dimensions[1] is > 0 and not 3)
            throw InspectaUserException.ForFile(path, $"the input '{inputName}' has {meta.Dimensions[1]} channels; a backbone takes 3 (RGB).");
        int h = meta.Dimensions[2] > 0 ? meta.Dimensions[2] : probeSize;
        int w = meta.Dimensions[3] > 0 ? meta.Dimensions[3] : probeSize;

        var outputNames = session.OutputMetadata.Where(kv => kv.Value.ElementType == typeof(float)).Select(kv => kv.Key).ToArray();
        if (outputNames.Length == 0) throw InspectaUserException.ForFile(path, "the model has no float32 outputs.");
        var data = new float[3 * h * w];
        using var input = OrtValue.CreateTensorValueFromMemory(data, [1, 3, h, w]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [input], outputNames);
        var outputs = new List<FeatureOutput>(outputNames.Length);
        for (int i = 0; i < outputNames.Length; i++)
        {
            long[] shape = results[i].GetTensorTypeAndShape().Shape;
            // 4-D maps get a stride; 2-D outputs (logits, pooled vectors) are global (stride 0).
            if (shape.Length == 4) outputs.Add(new FeatureOutput(outputNames[i], (int)Math.Round((double)h / shape[2]), (int)shape[1]));
            else if (shape.Length == 2) outputs.Add(new FeatureOutput(outputNames[i], 0, (int)shape[1]));
        }
        return new BackboneInfo(name, path, sha, inputName, outputs, h);
    }

    /// <summary>
    /// Runs one batch (all images 3 × H × W of the same size, already normalised) and returns, per
    /// requested output, a batch feature map (2-D outputs come back as N × C × 1 × 1).
    /// </summary>
    public FeatureMap[] Extract(IReadOnlyList<ImageF> normalizedRgbBatch, IReadOnlyList<string> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(normalizedRgbBatch);
        ArgumentNullException.ThrowIfNull(outputs);
        if (normalizedRgbBatch.Count == 0) throw new ArgumentException("Empty batch.", nameof(normalizedRgbBatch));
        foreach (string o in outputs) Info.Output(o);
        var first = normalizedRgbBatch[0];
        int n = normalizedRgbBatch.Count, h = first.Height, w = first.Width, item = 3 * h * w;
        foreach (var img in normalizedRgbBatch)
            if (img.Channels != 3 || img.Height != h || img.Width != w)
                throw new ArgumentException($"Every image in a batch must be 3×{h}×{w}; got {img}.", nameof(normalizedRgbBatch));

        using var timing = Diagnostics.StageTimer.Measure("backbone");
        lock (_gate)
        {
            // The input buffer is reused across runs of the same (or smaller) batch size.
            if (_inputBuffer.Length < n * item) _inputBuffer = new float[n * item];
            var buffer = _inputBuffer.AsMemory(0, n * item);
            for (int i = 0; i < n; i++) normalizedRgbBatch[i].Data.AsSpan().CopyTo(buffer.Span.Slice(i * item, item));
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer, [n, 3, h, w]);
            using var results = _session.Run(_runOptions, [Info.InputName], [input], outputs.ToArray());
            var maps = new FeatureMap[outputs.Count];
            for (int i = 0; i < maps.Length; i++)
            {
                long[] shape = results[i].GetTensorTypeAndShape().Shape;
                var span = results[i].GetTensorDataAsSpan<float>();
                maps[i] = shape.Length switch
                {
                    4 => new FeatureMap((int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3], span.ToArray()),
                    2 => new FeatureMap((int)shape[0], (int)shape[1], 1, 1, span.ToArray()),
                    _ => throw new InvalidOperationException($"Output '{outputs[i]}' has rank {shape.Length}; expected 2 or 4."),
                };
            }
            return maps;
        }
    }

    /// <summary>Preprocesses and runs one image (convenience for single predictions).</summary>
    public FeatureMap[] Extract(ImageF normalizedRgb, IReadOnlyList<string> outputs) => Extract([normalizedRgb], outputs);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interlocked.Decrement(ref _open);
        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }
}
