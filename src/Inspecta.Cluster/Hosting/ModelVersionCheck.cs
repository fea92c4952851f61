using System.Text.Json.Nodes;
using Npgsql;

namespace Inspecta.Cluster.Hosting;

/// <summary>
/// Refuses a node whose model files differ from its live peers': a request may be answered by any replica, so every node
/// of one cluster must hold the same version of each model. Compared by SHA-256 against the reports of the cluster's
/// active silos (peers of other cluster ids sharing the database do not count). A model only some nodes have is allowed
/// (its replicas are placed on any silo, which loads the file from its own folder, so every node should have it: warned).
/// </summary>
public static class ModelVersionCheck
{
    public static async Task<IReadOnlyList<string>> CheckAsync(NpgsqlDataSource db, string clusterId, ModelFiles files, CancellationToken cancel)
    {
        const string sql = """
            SELECT n.silo, n.host_name, n.model_files FROM inspecta_nodes n
            JOIN OrleansMembershipTable m ON m.DeploymentId = n.cluster_id AND m.Address = n.address AND m.Port = n.port AND m.Generation = n.generation
            WHERE n.cluster_id = $1 AND m.Status = 3 AND n.seen_at > now() - interval '15 seconds'
            ORDER BY n.silo
            """;
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(clusterId);
        var warnings = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await r.ReadAsync(cancel).ConfigureAwait(false))
        {
            string silo = r.GetString(0), host = r.GetString(1);
            var theirs = JsonNode.Parse(r.GetString(2))!.AsObject();
            foreach (var mine in files.All)
            {
                if (theirs[mine.Name]?.GetValue<string>() is not { } hash)
                {
                    warnings.Add($"model '{mine.Name}' is not in the --models folder of node {silo} ({host}); a replica placed there cannot load it.");
                    continue;
                }
                if (hash != mine.Sha256)
                    throw InspectaUserException.ForFile(mine.Path,
                        $"is another version of model '{mine.Name}' than the cluster '{clusterId}' serves: sha256 {mine.Sha256[..12]}… here, {hash[..12]}… on node {silo} ({host}). " +
                        "Every node of a cluster must have the same model files; copy the cluster's version, or join another --cluster-id.");
            }
            foreach (var (name, _) in theirs)
                if (files.Find(name) is null) warnings.Add($"model '{name}' of node {silo} ({host}) is not in this node's --models folder; a replica placed here cannot load it.");
        }
        return warnings;
    }
}
