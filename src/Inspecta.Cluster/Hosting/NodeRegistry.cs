using System.Collections.Concurrent;

namespace Inspecta.Cluster.Hosting;

/// <summary>What runs on this node right now: its model grain activations (what <c>cluster status</c> shows as the node's
/// models) and batch work-item counters. Written by the grains and the work runner, read by the heartbeat.</summary>
public sealed class NodeRegistry
{
    private readonly ConcurrentDictionary<ModelKey, DateTimeOffset> _replicas = new();
    private long _predictions, _workDone;
    private int _workRunning;

    public void Activated(ModelKey key) => _replicas[key] = DateTimeOffset.UtcNow;
    public void Deactivated(ModelKey key) => _replicas.TryRemove(key, out _);
    public IReadOnlyList<ModelKey> Replicas => [.. _replicas.Keys.OrderBy(k => k.Model, StringComparer.Ordinal).ThenBy(k => k.Replica)];

    public void Predicted() => Interlocked.Increment(ref _predictions);
    public long Predictions => Interlocked.Read(ref _predictions);

    public void WorkStarted() => Interlocked.Increment(ref _workRunning);
    public void WorkEnded(bool done)
    {
        Interlocked.Decrement(ref _workRunning);
        if (done) Interlocked.Increment(ref _workDone);
    }
    public int WorkRunning => Volatile.Read(ref _workRunning);
    public long WorkDone => Interlocked.Read(ref _workDone);
}
