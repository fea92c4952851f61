using System.Collections.Concurrent;
using Inspecta.Detectors;
using Microsoft.Extensions.Logging;

namespace Inspecta.Server.Inference;

/// <summary>
/// The models of the <c>--models</c> folder, loaded at start and reloaded when a file changes (file-system events, and a
/// periodic rescan as a safety net). A replacement is loaded next to the serving version and swapped in only once it
/// loaded; a file that fails to load is reported (<see cref="Failures"/>, the log) while the previous version, if any,
/// and every other model keep serving.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    public const string Extension = ".inspecta";

    private readonly string _directory;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, ServedModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelFailure> _failures = new(StringComparer.Ordinal);
    private readonly Lock _scanLock = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _poll;
    private readonly Timer _debounce;
    private bool _disposed;

    public ModelCatalog(string directory, TimeSpan poll, ILogger log)
    {
        _directory = Path.GetFullPath(directory);
        _log = log;
        Scan();
        _debounce = new Timer(_ => SafeScan(), null, Timeout.Infinite, Timeout.Infinite);
        try
        {
            _watcher = new FileSystemWatcher(_directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
            FileSystemEventHandler changed = (_, e) => { if (IsModelFile(e.FullPath)) _debounce.Change(200, Timeout.Infinite); };
            _watcher.Created += changed;
            _watcher.Changed += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, e) => { if (IsModelFile(e.FullPath) || IsModelFile(e.OldFullPath)) _debounce.Change(200, Timeout.Infinite); };
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or ArgumentException)
        {
            // inotify limits reached, say: the periodic rescan still picks changes up.
            _log.LogWarning("cannot watch {Directory} ({Message}); relying on the periodic rescan", _directory, e.Message);
        }
        _poll = new Timer(_ => SafeScan(), null, poll, poll);
    }

    /// <summary>Raised after a scan changed what is served (tests and metrics wait on it).</summary>
    public event Action? Changed;

    public IReadOnlyCollection<ServedModel> Models => [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];
    public IReadOnlyCollection<ModelFailure> Failures => [.. _failures.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>A lease on the model serving under <paramref name="name"/>, or null if there is none.</summary>
    public ModelLease? Acquire(string name)
    {
        // A swap may retire the version just looked up; then the new one is in the dictionary.
        for (int attempt = 0; attempt < 8; attempt++)
        {
            if (!_models.TryGetValue(name, out var model)) return null;
            if (model.TryAcquire() is { } lease) return lease;
        }
        return null;
    }

    private static bool IsModelFile(string path) => path.EndsWith(Extension, StringComparison.Ordinal);

    private void SafeScan()
    {
        try { Scan(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _log.LogError("cannot scan {Directory}: {Message}", _directory, e.Message); }
    }

    /// <summary>Loads new and changed files, drops removed ones. Serialised: events and the timer may fire together.</summary>
    public void Scan()
    {
        bool changed = false;
        lock (_scanLock)
        {
            if (_disposed) return;
            var files = Directory.GetFiles(_directory).Where(IsModelFile).Order(StringComparer.Ordinal).ToArray();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                string name = Path.GetFileNameWithoutExtension(file);
                names.Add(name);
                FileStamp stamp;
                try { stamp = FileStamp.Of(file); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }   // replaced right now: next scan
                if (_models.TryGetValue(name, out var current) && current.Stamp == stamp) continue;
                if (_failures.TryGetValue(name, out var failed) && failed.Stamp == stamp) continue;
                changed |= Load(name, file, stamp, current);
            }
            foreach (var gone in _models.Keys.Where(n => !names.Contains(n)).ToArray())
            {
                if (_models.TryRemove(gone, out var removed)) removed.Retire();
                _log.LogInformation("model {Model} removed (its file is gone)", gone);
                changed = true;
            }
            foreach (var gone in _failures.Keys.Where(n => !names.Contains(n)).ToArray()) changed |= _failures.TryRemove(gone, out _);
        }
        if (changed) Changed?.Invoke();
    }

    private bool Load(string name, string file, FileStamp stamp, ServedModel? current)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var trained = TrainedModel.Load(file);
            var loaded = new ServedModel(name, file, trained, stamp);
            _models[name] = loaded;
            current?.Retire();   // in-flight requests keep their lease on the old version
            _failures.TryRemove(name, out _);
            _log.LogInformation("model {Model} {Action}: {Method} from {File} in {Milliseconds} ms", name, current is null ? "loaded" : "reloaded",
                trained.Detector.Method, file, (int)started.ElapsedMilliseconds);
            return true;
        }
        catch (Exception e) when (Failure.Classify(e) != FailureKind.Cancelled)
        {
            string message = Failure.Classify(e) == FailureKind.User ? Failure.UserMessage(Failure.Leaves(e)[0]) : $"{e.GetType().Name}: {e.Message}";
            _failures[name] = new ModelFailure(name, file, message, stamp, DateTimeOffset.UtcNow, current is not null);
            _log.LogError("model {Model} failed to load from {File}: {Error}{Still}", name, file, message,
                current is null ? "" : " (the previous version keeps serving)");
            return true;
        }
    }

    public void Dispose()
    {
        lock (_scanLock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _watcher?.Dispose();
        _poll.Dispose();
        _debounce.Dispose();
        foreach (var m in _models.Values) m.Retire();
        _models.Clear();
    }
}

/// <summary>A model file that did not load: reported on <c>/readyz</c> until a good version replaces it.</summary>
/// <param name="PreviousVersionServing">An older version of the same file still answers requests.</param>
public sealed record ModelFailure(string Name, string Path, string Message, FileStamp Stamp, DateTimeOffset At, bool PreviousVersionServing);
