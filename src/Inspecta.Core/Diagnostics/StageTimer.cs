using System.Diagnostics;

namespace Inspecta.Diagnostics;

/// <summary>
/// Where the time of a prediction goes, without the detectors knowing who asks: code wraps a stage in
/// <c>using var _ = StageTimer.Measure("backbone");</c>, and a collector installed by a benchmark (bench, eval)
/// around its calls sums the elapsed time per stage name. With no collector installed, <see cref="Measure"/>
/// reads one async-local and returns an empty struct: nothing is timed or allocated.
/// </summary>
public static class StageTimer
{
    private static readonly AsyncLocal<StageTimes?> Ambient = new();

    /// <summary>Starts timing <paramref name="stage"/> until the returned scope is disposed (no-op without a collector).</summary>
    public static Scope Measure(string stage) =>
        Ambient.Value is { } times ? new Scope(times, stage, Stopwatch.GetTimestamp()) : default;

    /// <summary>
    /// Installs a collector for this call context and what it starts (tasks, Parallel.For) until disposed.
    /// Stages measured on parallel workers add up their times, so they can exceed the wall-clock time.
    /// </summary>
    public static StageTimes Collect()
    {
        var times = new StageTimes(Ambient.Value);
        Ambient.Value = times;
        return times;
    }

    internal static void Restore(StageTimes? previous) => Ambient.Value = previous;

    public readonly struct Scope(StageTimes? times, string stage, long started) : IDisposable
    {
        public void Dispose() => times?.Add(stage, Stopwatch.GetTimestamp() - started);
    }
}

/// <summary>Milliseconds per stage name summed by <see cref="StageTimer"/>; thread-safe.</summary>
public sealed class StageTimes : IDisposable
{
    private readonly StageTimes? _previous;
    private readonly Dictionary<string, long> _ticks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal StageTimes(StageTimes? previous) => _previous = previous;

    internal void Add(string stage, long ticks)
    {
        lock (_gate) _ticks[stage] = _ticks.GetValueOrDefault(stage) + ticks;
    }

    /// <summary>The milliseconds per stage since the last call (in first-seen order), and starts again from zero.</summary>
    public IReadOnlyList<(string Stage, double Milliseconds)> Take()
    {
        lock (_gate)
        {
            var result = _ticks.Select(kv => (kv.Key, kv.Value * 1000.0 / Stopwatch.Frequency)).ToArray();
            _ticks.Clear();
            return result;
        }
    }

    /// <summary>Uninstalls this collector, restoring the one that was installed before it (if any).</summary>
    public void Dispose() => StageTimer.Restore(_previous);
}
