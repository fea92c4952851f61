using System.Text.Json.Nodes;
using Inspecta.Cluster.Database;
using Inspecta.Cluster.Status;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// The client side of a batch job (<c>inspecta cluster eval|predict|fit</c>): submits the work items, shows progress until
/// every item has its one result, and returns them in item order; a failed item (a user error, or an item whose silos
/// kept dying) fails the job with the item's message. The job's rows are removed when it ends, also on Ctrl-C (the
/// silos then find no more items and drop what they were computing when their lease renewal fails).
/// </summary>
public sealed class JobCoordinator(ClusterDatabase db, string clusterId)
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    public async Task<JobOutcome> RunAsync(string kind, JsonObject spec, IReadOnlyList<JsonObject> payloads, TimeSpan lease, TimeSpan timeout,
        IProgress<ProgressUpdate> progress, Action<string> note, CancellationToken cancel, Action<JobProgress>? changed = null)
    {
        if (payloads.Count == 0) throw new InspectaUserException($"cluster {kind}: nothing to do (no work items).");
        var queue = new WorkQueue(db);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var id = await queue.SubmitAsync(clusterId, kind, spec, payloads, lease, cancel).ConfigureAwait(false);
        try
        {
            var lastChange = started.Elapsed;
            int lastDone = -1;
            bool warnedIdle = false;
            while (true)
            {
                var p = await queue.ProgressAsync(id, cancel).ConfigureAwait(false);
                progress.Report(new ProgressUpdate(kind, p.Done, p.Total));
                if (p.Failed > 0)
                {
                    var failed = (await queue.ResultsAsync(id, cancel).ConfigureAwait(false)).Where(r => !r.Done && (r.Error is not null || r.Attempts >= WorkQueue.MaxAttempts)).ToArray();
                    var first = failed.FirstOrDefault();
                    throw new InspectaUserException($"cluster {kind}: {p.Failed} of {p.Total} work items failed; item {first?.Item}: " +
                        (first?.Error ?? $"claimed {first?.Attempts} times without a result (its silos died or timed out)."));
                }
                if (p.Done == p.Total)
                {
                    var results = await queue.ResultsAsync(id, cancel).ConfigureAwait(false);
                    return new JobOutcome(id, results, p, started.Elapsed);
                }
                if (p.Done != lastDone)
                {
                    (lastDone, lastChange, warnedIdle) = (p.Done, started.Elapsed, false);
                    changed?.Invoke(p);
                }
                if (!warnedIdle && started.Elapsed - lastChange > TimeSpan.FromSeconds(5) && p.Running == 0)
                {
                    var nodes = await ClusterStatusReader.NodesAsync(db.Source, clusterId, TimeSpan.FromMinutes(1), cancel).ConfigureAwait(false);
                    if (!nodes.Any(n => n.Active))
                    {
                        note($"no active silo in cluster '{clusterId}' ({db.Display}); waiting for one (start `inspecta serve --models … --cluster …`).");
                        warnedIdle = true;
                    }
                }
                if (started.Elapsed > timeout)
                    throw new InspectaUserException($"cluster {kind}: {p.Done} of {p.Total} work items done after {timeout.TotalSeconds:0} s (--timeout); the job was withdrawn.");
                await Task.Delay(Poll, cancel).ConfigureAwait(false);
            }
        }
        finally
        {
            try { await queue.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException) { note($"could not remove job {id}: {e.Message}"); }
        }
    }

    /// <summary>Splits 0..count into items of at most <paramref name="size"/> (payload {from, to}).</summary>
    public static IReadOnlyList<JsonObject> Ranges(int count, int size) =>
        [.. Enumerable.Range(0, (count + size - 1) / size).Select(i => new JsonObject { ["from"] = i * size, ["to"] = Math.Min(count, (i + 1) * size) })];
}

/// <summary>A finished job: each item's one result, the final progress (silos that contributed, items redone), wall time.</summary>
public sealed record JobOutcome(Guid Id, IReadOnlyList<ItemResult> Items, JobProgress Progress, TimeSpan Elapsed)
{
    public JsonObject ToJson() => new()
    {
        ["job"] = Id.ToString(), ["items"] = Items.Count, ["silos"] = Progress.Silos, ["redone"] = Progress.Retries,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 2),
        ["done_by"] = new JsonObject([.. Items.GroupBy(i => i.DoneBy ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))]),
    };
}
