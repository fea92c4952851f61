using System.Diagnostics;
using System.Net;
using Inspecta.Server.Api;
using Inspecta.Server.Inference;
using Inspecta.Server.Telemetry;
using Inspecta.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Inspecta.Server.Hosting;

/// <summary>
/// Builds the <c>inspecta serve</c> application: Kestrel on one address with the upload and slow-client limits, the model
/// catalog (loaded before the listener opens), the inference queue, API-key check, draining, problem+json errors,
/// OpenAPI at <c>/openapi/v1.json</c>, Prometheus metrics at <c>/metrics</c> and the page at <c>/</c>.
/// </summary>
public static class InspectaServer
{
    /// <param name="configureLogging">Where logs go (the CLI: console, text or JSON); null keeps the host's defaults.</param>
    /// <param name="extension">Another way to find models (a cluster node: grains instead of the local catalog); null serves the folder's models from this process.</param>
    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? configureLogging = null, IServerExtension? extension = null)
    {
        options.Validate();
        var keys = ApiKeys.Load(options.ApiKeyFile);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (configureLogging is not null)
        {
            builder.Logging.ClearProviders();
            configureLogging(builder.Logging);
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Multipart framing adds a little to the images themselves.
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + 64 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));
            if (options.Host is "0.0.0.0" or "*") k.ListenAnyIP(options.Port);
            else if (options.Host == "localhost") k.ListenLocalhost(options.Port);
            else if (IPAddress.TryParse(options.Host, out var ip)) k.Listen(ip, options.Port);
            else throw new InspectaUserException($"--host must be an IP address, localhost or 0.0.0.0, got '{options.Host}'.");
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainValue + options.ShutdownTimeoutValue);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServerState>();
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton(sp => new ModelCatalog(options.ModelsDirectory, options.ReloadPollValue, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Inspecta.Models")));
        builder.Services.AddSingleton(sp => new InferenceQueue(options.MaxConcurrency, options.MaxQueue, options.MaxBatch, sp.GetRequiredService<ServerMetrics>()));
        builder.Services.AddSingleton<ImagePredictor>();
        builder.Services.AddSingleton<PredictionService>();
        builder.Services.AddHostedService<DrainOnShutdown>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Inspecta inference server";
            doc.Info.Description = "Anomaly detection for visual inspection: post an image, get its anomaly score, the verdict of the model's rule and the defect regions.";
            doc.Info.Version = "v1";
            return Task.CompletedTask;
        }));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(ServerMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());

        extension?.Configure(builder);

        var app = builder.Build();
        // One server loads every model now, before the listener opens; a cluster node loads a model when its grain activates.
        var catalog = extension is null ? app.Services.GetRequiredService<ModelCatalog>() : null;
        var queue = app.Services.GetRequiredService<InferenceQueue>();
        Func<int> modelCount = catalog is not null ? () => catalog.Models.Count : () => extension!.LoadedModels(app.Services);
        app.Services.GetRequiredService<ServerMetrics>().Observe(() => queue.Waiting, () => queue.Admitted, modelCount);
        var state = app.Services.GetRequiredService<ServerState>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Inspecta.Server");
        var metrics = app.Services.GetRequiredService<ServerMetrics>();

        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            await next(context);
            log.LogInformation("{Method} {Path} {Status} {Milliseconds:0.0} ms", context.Request.Method, context.Request.Path.Value,
                context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        app.Use(ProblemResponses.Handle);
        app.Use((context, next) =>
        {
            if (state.Draining && context.Request.Path != "/healthz" && context.Request.Path != "/readyz")
            {
                metrics.Rejected("draining");
                throw new ApiProblem(StatusCodes.Status503ServiceUnavailable, "the server is shutting down; send the request to another instance.") { RetryAfterSeconds = 5, CloseConnection = true };
            }
            if (keys is not null && ApiKeys.Protects(context.Request.Path)) keys.Check(context.Request);
            return next(context);
        });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapPrometheusScrapingEndpoint("/metrics");
        ModelEndpoints.MapHealth(app);
        if (extension is null)
        {
            ModelEndpoints.Map(app);
            PredictEndpoints.Map(app);
        }
        else extension.MapApi(app);
        WebPage.Map(app);
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            queue.DisposeAsync().AsTask().GetAwaiter().GetResult();
            catalog?.Dispose();
        });
        return app;
    }

    /// <summary>The address Kestrel listens on once started (with the real port when <c>--port 0</c>).</summary>
    public static Uri Address(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("the server has no addresses yet.");
        string first = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        return new Uri(first);
    }
}
