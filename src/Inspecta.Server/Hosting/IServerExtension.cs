using Microsoft.AspNetCore.Builder;

namespace Inspecta.Server.Hosting;

/// <summary>
/// What another host of the same HTTP API adds to <see cref="InspectaServer.Build"/>: its services (e.g. an Orleans silo),
/// and its own model and predict endpoints at the same routes, answering with the same documents. The limits, queue,
/// logging, API keys, draining, OpenAPI, metrics and page stay the server's.
/// </summary>
public interface IServerExtension
{
    void Configure(WebApplicationBuilder builder);

    /// <summary>Maps <c>/readyz</c>, <c>/v1/models…</c> and the predict routes.</summary>
    void MapApi(WebApplication app);

    /// <summary>Models loaded in this process now (the <c>inspecta_models</c> gauge).</summary>
    int LoadedModels(IServiceProvider services);
}
