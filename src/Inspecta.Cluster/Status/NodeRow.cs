using System.Text.Json.Nodes;

namespace Inspecta.Cluster.Status;

/// <summary>One silo as the cluster database knows it: Orleans' membership row (address, status, liveness) with what the
/// node itself last reported (HTTP address, loaded model replicas, load, queue depth); the report is absent for a silo
/// that never got as far as its first heartbeat.</summary>
public sealed record NodeRow(
    string Silo, string Address, int Port, int Generation, string Status, DateTimeOffset IAmAliveAt,
    string? HttpUrl, int? Pid, DateTimeOffset? SeenAt, IReadOnlyList<string> Replicas,
    int Admitted, int Waiting, int Capacity, long Predictions, int WorkRunning, long WorkDone, JsonObject? ModelFiles)
{
    public bool Active => Status == "active";

    /// <summary>The models of the node's replicas (a model may have several replicas on one node when silos are few).</summary>
    public IEnumerable<string> Models => Replicas.Select(r => Hosting.ModelKey.Parse(r).Model).Distinct(StringComparer.Ordinal);

    public JsonObject ToJson() => new()
    {
        ["silo"] = Silo,
        ["status"] = Status,
        ["http"] = HttpUrl,
        ["pid"] = Pid,
        ["i_am_alive_at"] = IAmAliveAt.ToString("O"),
        ["reported_at"] = SeenAt?.ToString("O"),
        ["models"] = new JsonArray([.. Models.Select(m => (JsonNode)m)]),
        ["replicas"] = new JsonArray([.. Replicas.Select(r => (JsonNode)r)]),
        ["load"] = new JsonObject { ["admitted"] = Admitted, ["capacity"] = Capacity },
        ["queue_depth"] = Waiting,
        ["predictions"] = Predictions,
        ["work_items_running"] = WorkRunning,
        ["work_items_done"] = WorkDone,
    };

    /// <summary>Orleans' <c>SiloStatus</c> numbers as words.</summary>
    public static string StatusName(int status) => status switch
    {
        0 => "none", 1 => "created", 2 => "joining", 3 => "active", 4 => "shutting down", 5 => "stopping", 6 => "dead",
        _ => $"status {status}",
    };
}
