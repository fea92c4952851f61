using Inspecta.Cluster.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// A silo's batch worker (<c>--batch-workers</c> of them per node): claims a work item of its cluster, renews the lease
/// every third of it while the item runs on the thread pool, stores the result if it still holds the lease. A lost lease
/// cancels the item (another silo has it); a user error fails the item for good (every silo would fail it the same way);
/// any other error frees it for another silo. Idle, it polls every 250 ms.
/// </summary>
internal sealed class WorkRunner(WorkQueue queue, ClusterSettings settings, NodeRegistry registry, ILocalSiloDetails silo, ILogger<WorkRunner> log) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(250);
    private readonly JobResources _resources = new();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.Yield();
        string owner = silo.SiloAddress.ToParsableString();
        while (!stopping.IsCancellationRequested)
        {
            WorkItem? item = null;
            try { item = await queue.ClaimAsync(settings.ClusterId, owner, stopping).ConfigureAwait(false); }
            catch (Exception e) when (!stopping.IsCancellationRequested && e is Npgsql.NpgsqlException or TimeoutException or IOException)
            {
                log.LogWarning("cannot claim work items: {Message}", e.Message);
            }
            catch (OperationCanceledException) { break; }
            if (item is null)
            {
                try { await Task.Delay(Idle, stopping).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                continue;
            }
            await RunAsync(item, owner, stopping).ConfigureAwait(false);
        }
        _resources.Dispose();
    }

    private async Task RunAsync(WorkItem item, string owner, CancellationToken stopping)
    {
        registry.WorkStarted();
        bool done = false;
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewing = RenewAsync(item, owner, lost);
        try
        {
            var kind = WorkKinds.Get(item.Kind);
            _resources.CurrentJob = item.JobId;
            var started = System.Diagnostics.Stopwatch.StartNew();
            byte[] result = await Task.Run(() => kind.Run(item.Spec, item.Payload, _resources, lost.Token), lost.Token).ConfigureAwait(false);
            done = await queue.CompleteAsync(item, owner, result, CancellationToken.None).ConfigureAwait(false);
            log.LogInformation("work item {Job}/{Item} ({Kind}, attempt {Attempt}) {Outcome} in {Milliseconds} ms", item.JobId, item.Item, item.Kind, item.Attempts,
                done ? "done" : "dropped (its lease was lost)", (int)started.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            log.LogWarning("work item {Job}/{Item} abandoned: {Why}", item.JobId, item.Item, stopping.IsCancellationRequested ? "the node is stopping" : "its lease was lost");
        }
        catch (Exception e)
        {
            bool user = Failure.Classify(e) == FailureKind.User;
            string message = user ? Failure.UserMessage(Failure.Leaves(e)[0]) : $"{e.GetType().Name}: {e.Message}";
            log.LogError("work item {Job}/{Item} failed on {Silo}: {Message}", item.JobId, item.Item, owner, message);
            try { await queue.FailAsync(item, owner, message, permanent: user, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception f) when (f is Npgsql.NpgsqlException or TimeoutException) { log.LogWarning("cannot record the failure: {Message}", f.Message); }
        }
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false);
            try { await renewing.ConfigureAwait(false); } catch (OperationCanceledException) { }
            registry.WorkEnded(done);
        }
    }

    private async Task RenewAsync(WorkItem item, string owner, CancellationTokenSource lost)
    {
        var every = item.Lease / 3;
        while (!lost.IsCancellationRequested)
        {
            await Task.Delay(every, lost.Token).ConfigureAwait(false);
            bool held;
            try { held = await queue.RenewAsync(item, owner, lost.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException) { continue; }   // the lease may still hold; try again
            if (!held)
            {
                await lost.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }
}
