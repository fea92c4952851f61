using Inspecta.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Inspecta.Server.Tests.Infrastructure;

/// <summary>The real server (Kestrel on 127.0.0.1, a free port) in this process, with an HTTP client and the log it wrote.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StringWriter _log;
    private readonly TextWriter _sync;

    private RunningServer(WebApplication app, StringWriter log, TextWriter sync, Uri address)
    {
        _app = app;
        _log = log;
        _sync = sync;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    /// <summary>The log so far (the synchronised writer locks on itself).</summary>
    public string Log { get { lock (_sync) return _log.ToString(); } }

    public static async Task<RunningServer> StartAsync(ServerOptions options)
    {
        var log = new StringWriter();
        var sync = TextWriter.Synchronized(log);
        var app = InspectaServer.Build(options with { Port = 0 }, l => l.AddProvider(new LineLoggerProvider(sync, json: false)));
        await app.StartAsync();
        return new RunningServer(app, log, sync, InspectaServer.Address(app));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
