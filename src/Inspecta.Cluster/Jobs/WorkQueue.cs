using System.Text.Json.Nodes;
using Inspecta.Cluster.Database;
using Npgsql;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// Batch jobs as rows: a job and its work items (<c>inspecta_jobs</c>, <c>inspecta_work_items</c>). A silo claims a pending
/// item whose lease is free or expired (<c>FOR UPDATE SKIP LOCKED</c>: two silos never claim one item at once), renews the
/// lease while it works, and completes it only while it still holds the lease and the item is still pending; so an item
/// whose silo died is claimed again after its lease, a late answer of a silo that lost its lease is dropped, and each
/// item has exactly one result. Items are pure functions of (job spec, payload), so redoing one changes nothing.
/// </summary>
public sealed class WorkQueue(ClusterDatabase db)
{
    /// <summary>Claims before an item counts as failed (its silos keep dying or timing out on it).</summary>
    public const int MaxAttempts = 5;

    public async Task<Guid> SubmitAsync(string clusterId, string kind, JsonObject spec, IReadOnlyList<JsonObject> payloads, TimeSpan lease, CancellationToken cancel)
    {
        var id = Guid.NewGuid();
        await using var connection = await db.Source.OpenConnectionAsync(cancel).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        await using (var job = new NpgsqlCommand("INSERT INTO inspecta_jobs (id, cluster_id, kind, spec, items, lease_seconds) VALUES ($1, $2, $3, $4::jsonb, $5, $6)", connection, tx))
        {
            job.Parameters.AddWithValue(id);
            job.Parameters.AddWithValue(clusterId);
            job.Parameters.AddWithValue(kind);
            job.Parameters.AddWithValue(spec.ToJsonString());
            job.Parameters.AddWithValue(payloads.Count);
            job.Parameters.AddWithValue(lease.TotalSeconds);
            await job.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }
        await using (var items = new NpgsqlCommand("INSERT INTO inspecta_work_items (job_id, item, payload) SELECT $1, i - 1, p FROM unnest($2::jsonb[]) WITH ORDINALITY AS t(p, i)", connection, tx))
        {
            items.Parameters.AddWithValue(id);
            items.Parameters.AddWithValue(payloads.Select(p => p.ToJsonString()).ToArray());
            await items.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancel).ConfigureAwait(false);
        return id;
    }

    /// <summary>The oldest job's next free item, leased to <paramref name="owner"/>; null when there is none.</summary>
    public async Task<WorkItem?> ClaimAsync(string clusterId, string owner, CancellationToken cancel)
    {
        const string sql = """
            WITH next AS (
                SELECT w.job_id, w.item FROM inspecta_work_items w JOIN inspecta_jobs j ON j.id = w.job_id
                WHERE j.cluster_id = $1 AND j.state = 'running' AND w.state = 'pending' AND w.attempts < $3
                  AND (w.lease_until IS NULL OR w.lease_until < now())
                ORDER BY j.created_at, w.item
                FOR UPDATE OF w SKIP LOCKED LIMIT 1)
            UPDATE inspecta_work_items w SET lease_owner = $2, attempts = w.attempts + 1,
                lease_until = now() + make_interval(secs => (SELECT lease_seconds FROM inspecta_jobs WHERE id = w.job_id))
            FROM next WHERE w.job_id = next.job_id AND w.item = next.item
            RETURNING w.job_id, w.item, w.payload::text, w.attempts,
                (SELECT kind FROM inspecta_jobs WHERE id = w.job_id), (SELECT spec::text FROM inspecta_jobs WHERE id = w.job_id),
                (SELECT lease_seconds FROM inspecta_jobs WHERE id = w.job_id)
            """;
        await using var cmd = db.Source.CreateCommand(sql);
        cmd.Parameters.AddWithValue(clusterId);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(MaxAttempts);
        await using var r = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        if (!await r.ReadAsync(cancel).ConfigureAwait(false)) return null;
        return new WorkItem(r.GetGuid(0), r.GetInt32(1), JsonNode.Parse(r.GetString(2))!.AsObject(), r.GetInt32(3), r.GetString(4),
            JsonNode.Parse(r.GetString(5))!.AsObject(), TimeSpan.FromSeconds(r.GetDouble(6)));
    }

    /// <summary>Extends the lease; false when the owner lost it (expired and claimed by another silo, or the job is gone).</summary>
    public async Task<bool> RenewAsync(WorkItem item, string owner, CancellationToken cancel)
    {
        await using var cmd = db.Source.CreateCommand(
            "UPDATE inspecta_work_items SET lease_until = now() + make_interval(secs => $4) WHERE job_id = $1 AND item = $2 AND lease_owner = $3 AND state = 'pending'");
        cmd.Parameters.AddWithValue(item.JobId);
        cmd.Parameters.AddWithValue(item.Item);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(item.Lease.TotalSeconds);
        return await cmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false) == 1;
    }

    /// <summary>Stores the result if the owner still holds the lease; false = another silo's result stands.</summary>
    public async Task<bool> CompleteAsync(WorkItem item, string owner, byte[] result, CancellationToken cancel)
    {
        await using var cmd = db.Source.CreateCommand(
            "UPDATE inspecta_work_items SET state = 'done', result = $4, done_by = $3, lease_until = NULL WHERE job_id = $1 AND item = $2 AND lease_owner = $3 AND state = 'pending'");
        cmd.Parameters.AddWithValue(item.JobId);
        cmd.Parameters.AddWithValue(item.Item);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(result);
        return await cmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false) == 1;
    }

    /// <summary>An item that cannot succeed (a user error: unreadable image, missing file) fails for good; another error
    /// frees the lease at once so that another silo retries it.</summary>
    public async Task FailAsync(WorkItem item, string owner, string error, bool permanent, CancellationToken cancel)
    {
        await using var cmd = db.Source.CreateCommand(permanent
            ? "UPDATE inspecta_work_items SET state = 'failed', error = $4, done_by = $3, lease_until = NULL WHERE job_id = $1 AND item = $2 AND lease_owner = $3 AND state = 'pending'"
            : "UPDATE inspecta_work_items SET error = $4, lease_until = NULL WHERE job_id = $1 AND item = $2 AND lease_owner = $3 AND state = 'pending'");
        cmd.Parameters.AddWithValue(item.JobId);
        cmd.Parameters.AddWithValue(item.Item);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(error);
        await cmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    public async Task<JobProgress> ProgressAsync(Guid job, CancellationToken cancel)
    {
        const string sql = """
            SELECT count(*) FILTER (WHERE state = 'done'),
                   count(*) FILTER (WHERE state = 'pending' AND lease_until > now()),
                   count(*) FILTER (WHERE state = 'failed' OR (state = 'pending' AND attempts >= $2 AND (lease_until IS NULL OR lease_until < now()))),
                   count(*), count(DISTINCT done_by) FILTER (WHERE state = 'done'), coalesce(sum(greatest(attempts - 1, 0)), 0)
            FROM inspecta_work_items WHERE job_id = $1
            """;
        await using var cmd = db.Source.CreateCommand(sql);
        cmd.Parameters.AddWithValue(job);
        cmd.Parameters.AddWithValue(MaxAttempts);
        await using var r = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        await r.ReadAsync(cancel).ConfigureAwait(false);
        return new JobProgress((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(4), (int)r.GetInt64(5));
    }

    /// <summary>Each item's one result (done items) or error (failed ones), in item order.</summary>
    public async Task<IReadOnlyList<ItemResult>> ResultsAsync(Guid job, CancellationToken cancel)
    {
        await using var cmd = db.Source.CreateCommand("SELECT item, state, result, error, done_by, attempts FROM inspecta_work_items WHERE job_id = $1 ORDER BY item");
        cmd.Parameters.AddWithValue(job);
        var results = new List<ItemResult>();
        await using var r = await cmd.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await r.ReadAsync(cancel).ConfigureAwait(false))
            results.Add(new ItemResult(r.GetInt32(0), r.GetString(1) == "done", r.IsDBNull(2) ? null : (byte[])r[2], r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5)));
        return results;
    }

    /// <summary>Removes the job and its items (the coordinator has the results; also how a cancelled job stops).</summary>
    public async Task DeleteAsync(Guid job, CancellationToken cancel)
    {
        await using var cmd = db.Source.CreateCommand("DELETE FROM inspecta_jobs WHERE id = $1");
        cmd.Parameters.AddWithValue(job);
        await cmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }
}

/// <summary>A claimed work item: its job's kind and spec, its payload, the lease it holds and how often it was claimed.</summary>
public sealed record WorkItem(Guid JobId, int Item, JsonObject Payload, int Attempts, string Kind, JsonObject Spec, TimeSpan Lease);

/// <summary>Items done, running (leased), failed, in all; silos that did them; claims beyond the first (redone after a silo died).</summary>
public sealed record JobProgress(int Done, int Running, int Failed, int Total, int Silos, int Retries);

public sealed record ItemResult(int Item, bool Done, byte[]? Result, string? Error, string? DoneBy, int Attempts);
