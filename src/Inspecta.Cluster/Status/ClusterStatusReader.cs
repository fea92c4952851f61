using System.Text.Json.Nodes;
using Npgsql;

namespace Inspecta.Cluster.Status;

/// <summary>
/// Reads the cluster's state from its database: Orleans' membership rows of the cluster id (the authority on which silos
/// are alive: a killed silo turns dead there once its peers vote it out) joined with each node's last report, and the
/// batch jobs' queue. <c>inspecta cluster status</c>, <c>GET /v1/cluster</c> and the placement of model grains read it.
/// </summary>
public static class ClusterStatusReader
{
    /// <summary>Silos of the cluster: every active one, and those that stopped or died in the last <paramref name="recent"/>.</summary>
    public static async Task<IReadOnlyList<NodeRow>> NodesAsync(NpgsqlDataSource db, string clusterId, TimeSpan recent, CancellationToken cancel = default)
    {
        const string sql = """
            SELECT m.Address, m.Port, m.Generation, m.Status, m.IAmAliveTime,
                   n.http_url, n.pid, n.seen_at, n.replicas, n.admitted, n.waiting, n.capacity, n.predictions, n.work_running, n.work_done, n.model_files
            FROM OrleansMembershipTable m
            LEFT JOIN inspecta_nodes n ON n.cluster_id = m.DeploymentId AND n.address = m.Address AND n.port = m.Port AND n.generation = m.Generation
            WHERE m.DeploymentId = $1 AND (m.Status = 3 OR m.IAmAliveTime > now() - $2 OR n.seen_at > now() - $2)
            ORDER BY m.Address, m.Port, m.Generation
            """;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(clusterId);
        cmd.Parameters.AddWithValue(recent);
        var rows = new List<NodeRow>();
        await using var r = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await r.ReadAsync(cancel).ConfigureAwait(false))
        {
            string address = r.GetString(0);
            int port = r.GetInt32(1), generation = r.GetInt32(2);
            bool reported = !r.IsDBNull(5);
            var replicas = reported ? JsonNode.Parse(r.GetString(8))!.AsArray().Select(n => n!.GetValue<string>()).ToArray() : [];
            rows.Add(new NodeRow($"{address}:{port}@{generation}", address, port, generation, NodeRow.StatusName(r.GetInt32(3)),
                new DateTimeOffset(r.GetDateTime(4), TimeSpan.Zero),
                reported ? r.GetString(5) : null, reported ? r.GetInt32(6) : null, reported ? new DateTimeOffset(r.GetDateTime(7), TimeSpan.Zero) : null,
                replicas, reported ? r.GetInt32(9) : 0, reported ? r.GetInt32(10) : 0, reported ? r.GetInt32(11) : 0,
                reported ? r.GetInt64(12) : 0, reported ? r.GetInt32(13) : 0, reported ? r.GetInt64(14) : 0,
                reported ? JsonNode.Parse(r.GetString(15))!.AsObject() : null));
        }
        return rows;
    }

    /// <summary>Running batch jobs: kind, items done, leased and pending (the cluster's batch queue depth).</summary>
    public static async Task<IReadOnlyList<JobRow>> JobsAsync(NpgsqlDataSource db, string clusterId, CancellationToken cancel = default)
    {
        const string sql = """
            SELECT j.id, j.kind, j.items, j.created_at,
                   count(*) FILTER (WHERE w.state = 'done'),
                   count(*) FILTER (WHERE w.state = 'pending' AND w.lease_until > now()),
                   count(*) FILTER (WHERE w.state = 'pending' AND (w.lease_until IS NULL OR w.lease_until <= now())),
                   count(*) FILTER (WHERE w.state = 'failed')
            FROM inspecta_jobs j JOIN inspecta_work_items w ON w.job_id = j.id
            WHERE j.cluster_id = $1 AND j.state = 'running'
            GROUP BY j.id ORDER BY j.created_at
            """;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(clusterId);
        var jobs = new List<JobRow>();
        await using var r = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await r.ReadAsync(cancel).ConfigureAwait(false))
            jobs.Add(new JobRow(r.GetGuid(0), r.GetString(1), r.GetInt32(2), new DateTimeOffset(r.GetDateTime(3), TimeSpan.Zero),
                (int)r.GetInt64(4), (int)r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7)));
        return jobs;
    }

    public static JsonObject ToJson(string clusterId, IReadOnlyList<NodeRow> nodes, IReadOnlyList<JobRow> jobs) => new()
    {
        ["cluster_id"] = clusterId,
        ["active_silos"] = nodes.Count(n => n.Active),
        ["silos"] = new JsonArray([.. nodes.Select(n => (JsonNode)n.ToJson())]),
        ["jobs"] = new JsonArray([.. jobs.Select(j => (JsonNode)j.ToJson())]),
    };
}

/// <summary>A running batch job's progress: work items done, leased (running on a silo), pending (the queue), failed.</summary>
public sealed record JobRow(Guid Id, string Kind, int Items, DateTimeOffset CreatedAt, int Done, int Leased, int Pending, int Failed)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id.ToString(), ["kind"] = Kind, ["items"] = Items, ["created_at"] = CreatedAt.ToString("O"),
        ["done"] = Done, ["running"] = Leased, ["queued"] = Pending, ["failed"] = Failed,
    };
}
