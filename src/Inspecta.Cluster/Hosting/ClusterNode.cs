using System.Net;
using Inspecta.Cluster.Database;
using Inspecta.Cluster.Jobs;
using Inspecta.Cluster.Placement;
using Inspecta.Cluster.Routing;
using Inspecta.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Inspecta.Cluster.Hosting;

/// <summary>
/// Turns <c>inspecta serve</c> into a cluster node: before anything listens, the database is reached (retries with
/// backoff) and its tables made, the model files hashed and compared with the live peers'; then the server is built with
/// an Orleans silo in the same process (membership in PostgreSQL through the ADO.NET provider, the cluster id as Orleans'
/// cluster id), model grains placed by <see cref="ModelReplicaPlacementDirector"/>, the heartbeat and the batch work runner.
/// </summary>
public sealed class ClusterNode : IServerExtension
{
    private ClusterNode(ClusterSettings settings, ClusterDatabase db, ModelFiles files, IReadOnlyList<string> warnings)
    {
        Settings = settings;
        Database = db;
        Files = files;
        Warnings = warnings;
    }

    public ClusterSettings Settings { get; }
    public ClusterDatabase Database { get; }
    public ModelFiles Files { get; }
    /// <summary>What the version check noticed without refusing (a model some peers lack).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public static async Task<ClusterNode> PrepareAsync(ClusterSettings settings, ServerOptions server, ILogger log, CancellationToken cancel)
    {
        settings.Validate();
        server.Validate();
        var db = ClusterDatabase.Create(settings.ConnectionString);
        try
        {
            await db.OpenAsync(log, settings.ConnectTimeoutValue, cancel).ConfigureAwait(false);
            var files = ModelFiles.Read(server.ModelsDirectory);
            var warnings = await ModelVersionCheck.CheckAsync(db.Source, settings.ClusterId, files, cancel).ConfigureAwait(false);
            return new ClusterNode(settings, db, files, warnings);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void Configure(WebApplicationBuilder builder)
    {
        var s = Settings;
        builder.Services.AddSingleton(s);
        builder.Services.AddSingleton(Database);
        builder.Services.AddSingleton(Files);
        builder.Services.AddSingleton<NodeRegistry>();
        builder.Services.AddSingleton<ClusterView>();
        builder.Services.AddSingleton<ClusterRouter>();
        builder.Services.AddHostedService<NodeHeartbeat>();
        builder.Services.AddSingleton<WorkQueue>();
        for (int i = 0; i < s.BatchWorkers; i++) builder.Services.AddSingleton<IHostedService, WorkRunner>();
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // Start-up advice about server GC and a watchdog note about the first seconds' CPU: not the operator's business.
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = s.ClusterId;
                o.ServiceId = ClusterSettings.ServiceId;
            });
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = s.ConnectionString;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(s.AdvertisedAddress), s.SiloPort, gatewayPort: 0, listenOnAnyHostAddress: false);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // A LAN cluster: a silo that misses three probes of ProbeTimeout is voted dead and its grains move.
                o.ProbeTimeout = s.ProbeTimeoutValue;
                o.NumMissedProbesLimit = 3;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(30));
            silo.Services.AddPlacementDirector<ModelReplicaPlacement, ModelReplicaPlacementDirector>();
        });
    }

    public void MapApi(WebApplication app) => ClusterEndpoints.Map(app);

    public int LoadedModels(IServiceProvider services) => services.GetRequiredService<NodeRegistry>().Replicas.Count;
}
