using Inspecta.Cluster.Status;

namespace Inspecta.Cluster.Hosting;

/// <summary>
/// This node's picture of its peers, refreshed every second by <see cref="NodeHeartbeat"/> from the database: which silos are
/// active, the model replicas each holds and its load. The placement of model grains and the front's choice of replica
/// read it; it is never more than about a second old.
/// </summary>
public sealed class ClusterView
{
    private volatile IReadOnlyList<NodeRow> _nodes = [];

    public IReadOnlyList<NodeRow> Nodes => _nodes;
    public IEnumerable<NodeRow> Active => _nodes.Where(n => n.Active);
    public int ActiveSilos => Math.Max(1, _nodes.Count(n => n.Active));
    public DateTimeOffset RefreshedAt { get; private set; }

    public void Update(IReadOnlyList<NodeRow> nodes)
    {
        _nodes = nodes;
        RefreshedAt = DateTimeOffset.UtcNow;
    }

    public NodeRow? Find(string silo) => _nodes.FirstOrDefault(n => n.Silo == silo);
}
