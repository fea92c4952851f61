using System.Collections.Concurrent;
using Inspecta.Cluster.Grains;
using Inspecta.Cluster.Hosting;
using Inspecta.Server.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Inspecta.Cluster.Routing;

/// <summary>
/// Sends one image from the node that received it to a replica of its model, wherever the cluster placed it. The replica
/// is the one with the fewest requests in flight from this node (ties rotate); the number of replicas is
/// <c>--replicas</c>, at most the number of active silos. When a call fails because a silo is gone (refused connection,
/// rejected message, no answer within <see cref="AttemptTimeout"/>) the next replica is tried, with a growing pause, until the request's timeout: a killed silo
/// costs a retry, not an error, and its replicas are activated again elsewhere once Orleans declares it dead.
/// </summary>
public sealed class ClusterRouter(IGrainFactory grains, ClusterSettings settings, ClusterView view, ILogger<ClusterRouter> log)
{
    private readonly ConcurrentDictionary<ModelKey, int> _inFlight = new();
    private int _rotation;

    /// <summary>Retries after silo failures so far (the front's count; logged and exposed for tests).</summary>
    public long Retries => Interlocked.Read(ref _retries);
    private long _retries;

    /// <summary>How long one replica may take before the next is tried: three liveness probes, at least 5 s.</summary>
    public TimeSpan AttemptTimeout => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, 3 * settings.ProbeTimeoutValue.Ticks));

    public int ReplicaCount => Math.Clamp(settings.Replicas, 1, view.ActiveSilos);

    public async Task<RemoteAnswer> PredictAsync(string model, string imageName, byte[] image, string query, TimeSpan timeout, CancellationToken aborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(timeout);
        var pause = TimeSpan.FromMilliseconds(100);
        int first = Pick(model);
        for (int attempt = 0; ; attempt++)
        {
            var key = new ModelKey(model, (first + attempt) % ReplicaCount);
            _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
            try
            {
                // One attempt waits at most AttemptTimeout: a call to a silo killed a moment ago may hang rather than fail.
                return await grains.GetGrain<IModelGrain>(key.ToString()).Predict(imageName, image, query).WaitAsync(AttemptTimeout, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsSiloFailure(e) && !deadline.IsCancellationRequested)
            {
                Interlocked.Increment(ref _retries);
                log.LogWarning("replica {Replica} unreachable ({Error}: {Message}); retry {Attempt} on another replica in {Pause} ms", key, e.GetType().Name, e.Message, attempt + 1, (int)pause.TotalMilliseconds);
                try { await Task.Delay(pause, deadline.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            catch (Exception e) when ((e is OperationCanceledException || IsSiloFailure(e)) && deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
            {
                break;
            }
            finally { _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1); }
        }
        throw new ApiProblem(StatusCodes.Status504GatewayTimeout, $"no replica of model '{model}' answered within {timeout.TotalSeconds:0.#} s (--timeout); the cluster is overloaded or its silos are failing (inspecta cluster status).");
    }

    public Task<RemoteAnswer> DescribeAsync(string model) => grains.GetGrain<IModelGrain>(new ModelKey(model, 0).ToString()).Describe();

    private int Pick(string model)
    {
        int n = ReplicaCount, start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)n), best = start, least = int.MaxValue;
        for (int i = 0; i < n; i++)
        {
            int r = (start + i) % n;
            int load = _inFlight.GetValueOrDefault(new ModelKey(model, r));
            if (load < least) (best, least) = (r, load);
        }
        return best;
    }

    /// <summary>Failures of the messaging layer or of a silo, not of the request: worth another replica.</summary>
    public static bool IsSiloFailure(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException or ClientNotAvailableException
        || (e is OrleansException && e.InnerException is { } inner && IsSiloFailure(inner));
}
