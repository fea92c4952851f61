using System.Text.Json.Nodes;
using Inspecta.Cluster.Database;
using Inspecta.Cluster.Status;
using Inspecta.Server.Hosting;
using Inspecta.Server.Inference;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Inspecta.Cluster.Hosting;

/// <summary>
/// Every second: writes this node's report to <c>inspecta_nodes</c> (silo, HTTP address, model file hashes, model replicas
/// loaded here, admitted images, queue depth, counters) and reads the cluster's into <see cref="ClusterView"/>. A database
/// outage is logged (once per outage) and waited out; Orleans keeps its own membership retries.
/// </summary>
internal sealed class NodeHeartbeat(ClusterDatabase db, ClusterSettings settings, ModelFiles files, NodeRegistry registry, ClusterView view,
    InferenceQueue queue, ServerOptions serverOptions, ILocalSiloDetails silo, IServer server, ILogger<NodeHeartbeat> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ReportAsync(stopping).ConfigureAwait(false);
                view.Update(await ClusterStatusReader.NodesAsync(db.Source, settings.ClusterId, TimeSpan.FromMinutes(10), stopping).ConfigureAwait(false));
                if (_failing) log.LogInformation("cluster database {Database} reachable again", db.Display);
                _failing = false;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested && e is Npgsql.NpgsqlException or TimeoutException or IOException)
            {
                if (!_failing) log.LogWarning("cannot report to the cluster database {Database}: {Message}; retrying every second", db.Display, e.Message);
                _failing = true;
            }
            try { await Task.Delay(Interval, stopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
    }

    private async Task ReportAsync(CancellationToken cancel)
    {
        var address = silo.SiloAddress;
        string http = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } a
            ? a.Replace("[::]", settings.AdvertisedAddress, StringComparison.Ordinal).Replace("0.0.0.0", settings.AdvertisedAddress, StringComparison.Ordinal)
            : "";
        const string sql = """
            INSERT INTO inspecta_nodes (cluster_id, silo, address, port, generation, http_url, pid, host_name, started_at, seen_at, model_files, replicas,
                                        admitted, waiting, capacity, predictions, work_running, work_done)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10::jsonb, $11::jsonb, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (cluster_id, silo) DO UPDATE SET http_url = EXCLUDED.http_url, seen_at = now(), replicas = EXCLUDED.replicas,
                admitted = EXCLUDED.admitted, waiting = EXCLUDED.waiting, predictions = EXCLUDED.predictions,
                work_running = EXCLUDED.work_running, work_done = EXCLUDED.work_done
            """;
        await using var cmd = db.Source.CreateCommand(sql);
        cmd.Parameters.AddWithValue(settings.ClusterId);
        cmd.Parameters.AddWithValue(address.ToParsableString());
        cmd.Parameters.AddWithValue(address.Endpoint.Address.ToString());
        cmd.Parameters.AddWithValue(address.Endpoint.Port);
        cmd.Parameters.AddWithValue(address.Generation);
        cmd.Parameters.AddWithValue(http);
        cmd.Parameters.AddWithValue(Environment.ProcessId);
        cmd.Parameters.AddWithValue(Environment.MachineName);
        cmd.Parameters.AddWithValue(_started);
        cmd.Parameters.AddWithValue(files.ToJson().ToJsonString());
        cmd.Parameters.AddWithValue(new JsonArray([.. registry.Replicas.Select(r => (JsonNode)r.ToString())]).ToJsonString());
        cmd.Parameters.AddWithValue(queue.Admitted);
        cmd.Parameters.AddWithValue(queue.Waiting);
        cmd.Parameters.AddWithValue(serverOptions.MaxConcurrency + serverOptions.MaxQueue);
        cmd.Parameters.AddWithValue(registry.Predictions);
        cmd.Parameters.AddWithValue(registry.WorkRunning);
        cmd.Parameters.AddWithValue(registry.WorkDone);
        await cmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancel)
    {
        await base.StopAsync(cancel).ConfigureAwait(false);
        // A clean stop says so at once; a killed node's row goes stale and Orleans declares its silo dead.
        try
        {
            await using var cmd = db.Source.CreateCommand("UPDATE inspecta_nodes SET replicas = '[]'::jsonb, admitted = 0, waiting = 0 WHERE cluster_id = $1 AND silo = $2");
            cmd.Parameters.AddWithValue(settings.ClusterId);
            cmd.Parameters.AddWithValue(silo.SiloAddress.ToParsableString());
            await cmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException) { log.LogDebug("final report failed: {Message}", e.Message); }
    }
}
