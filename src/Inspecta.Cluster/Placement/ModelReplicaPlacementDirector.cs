using System.Collections.Concurrent;
using Inspecta.Cluster.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Inspecta.Cluster.Placement;

/// <summary>
/// Chooses the silo of a new model replica from the compatible (active) silos Orleans offers, by, in order: fewest replicas
/// of this model already there, then least load (images admitted + replicas held, from the nodes' last reports in
/// <see cref="ClusterView"/>, plus the placements this silo made in the last few seconds that no report shows yet), then a
/// rotation by the model's name so that equal silos share models evenly.
/// </summary>
internal sealed class ModelReplicaPlacementDirector(ClusterView view) : IPlacementDirector
{
    private static readonly TimeSpan Recent = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<(string Silo, string Model, int Replica), DateTimeOffset> _placed = new();

    private readonly Lock _choosing = new();

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        // One choice at a time: the first requests after start place several replicas at once, and each must see the others.
        lock (_choosing) return Task.FromResult(Choose(target, context));
    }

    private SiloAddress Choose(PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0) throw new OrleansException("no active silo can host a model grain.");
        var key = ModelKey.Parse(target.GrainIdentity.Key.ToString()!);
        var now = DateTimeOffset.UtcNow;
        foreach (var stale in _placed.Where(p => now - p.Value > Recent).Select(p => p.Key).ToArray()) _placed.TryRemove(stale, out _);

        int rotation = (int)(StableHash(key.Model) % (uint)silos.Length);
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var best = ordered
            .Select((s, i) => (Silo: s, Order: (i - rotation + ordered.Length) % ordered.Length))
            .Select(c =>
            {
                string id = c.Silo.ToParsableString();
                var report = view.Find(id);
                var recent = _placed.Keys.Where(p => p.Silo == id && report?.Replicas.Contains(new ModelKey(p.Model, p.Replica).ToString()) != true).ToArray();
                int sameModel = (report?.Replicas.Count(r => ModelKey.Parse(r) is var k && k.Model == key.Model && k.Replica != key.Replica) ?? 0)
                    + recent.Count(p => p.Model == key.Model && p.Replica != key.Replica);
                int load = (report?.Admitted ?? 0) + (report?.Replicas.Count ?? 0) + recent.Length;
                return (c.Silo, SameModel: sameModel, Load: load, c.Order);
            })
            .OrderBy(c => c.SameModel).ThenBy(c => c.Load).ThenBy(c => c.Order)
            .First();
        _placed[(best.Silo.ToParsableString(), key.Model, key.Replica)] = now;
        return best.Silo;
    }

    private static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) h = (h ^ c) * 16777619;
        return h;
    }
}
