using System.Text.Json.Nodes;
using Inspecta.Detectors;

namespace Inspecta.Server.Inference;

/// <summary>
/// One loaded model file. Requests hold a lease on it; when a newer file replaces it the catalog drops its own lease, and
/// the detector is disposed only when the last in-flight request returns its lease (hot reload never pulls a model from
/// under a running prediction).
/// </summary>
public sealed class ServedModel
{
    private int _leases = 1;   // the catalog's own

    public ServedModel(string name, string path, TrainedModel model, FileStamp stamp)
    {
        Name = name;
        Path = path;
        Model = model;
        Stamp = stamp;
    }

    public string Name { get; }
    public string Path { get; }
    public TrainedModel Model { get; }
    public FileStamp Stamp { get; }
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>A lease, or null when the model was already retired and released (the caller looks it up again).</summary>
    public ModelLease? TryAcquire()
    {
        while (true)
        {
            int n = Volatile.Read(ref _leases);
            if (n == 0) return null;
            if (Interlocked.CompareExchange(ref _leases, n + 1, n) == n) return new ModelLease(this);
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0) Model.Dispose();
    }

    /// <summary>The catalog lets go: disposed now if idle, else when the last lease ends.</summary>
    internal void Retire() => Release();

    /// <summary>What <c>GET /v1/models</c> says about it.</summary>
    public JsonObject Describe()
    {
        var p = Model.Parameters;
        return new JsonObject
        {
            ["name"] = Name,
            ["method"] = Model.Detector.Method,
            ["input"] = Model.Input.ToString(),
            ["backbone"] = p?["backbone"] is JsonObject b ? b.DeepClone() : null,
            // Backbone methods store their network input (size, crop, normalisation); classical methods work at the image size.
            ["preprocessing"] = p?["preprocessing"]?.DeepClone(),
            ["thresholds"] = Model.Thresholds?.ToJson(),
            ["rule"] = Model.Rule?.ToJson(),
            ["training"] = Model.Summary?.ToJson(),
            ["batched"] = Model.Detector is IBatchPredictor,
            ["file"] = Path,
            ["loaded_at"] = LoadedAt.ToString("O"),
        };
    }
}

/// <summary>Holds a <see cref="ServedModel"/> alive for one request.</summary>
public sealed class ModelLease(ServedModel model) : IDisposable
{
    private int _disposed;
    public ServedModel Model { get; } = model;
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Model.Release();
    }
}

/// <summary>What identifies a version of a model file: an atomic replacement changes its write time or length.</summary>
public readonly record struct FileStamp(DateTime WriteTimeUtc, long Length)
{
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return new FileStamp(info.LastWriteTimeUtc, info.Length);
    }
}
