using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Inspecta.Server.Hosting;

/// <summary>
/// Runs first when the host stops (SIGTERM, Ctrl-C): marks the server draining, so <c>/readyz</c> and new requests answer 503,
/// and waits <c>--drain-seconds</c> with the listener still open so that a load balancer notices; then Kestrel stops
/// accepting and waits (up to the shutdown timeout) for the requests in flight.
/// </summary>
public sealed class DrainOnShutdown(ServerState state, ServerOptions options, ILogger<DrainOnShutdown> log) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.BeginDrain();
        log.LogInformation("shutting down: new requests get 503{Drain}; requests in flight finish (up to {Timeout} s)",
            options.DrainValue > TimeSpan.Zero ? $" for {options.DrainValue.TotalSeconds:0.#} s, then the listener closes" : "",
            options.ShutdownTimeoutValue.TotalSeconds);
        return options.DrainValue > TimeSpan.Zero ? Task.Delay(options.DrainValue, cancellationToken) : Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
