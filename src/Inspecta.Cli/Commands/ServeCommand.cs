using System.CommandLine;
using Inspecta.Cluster.Hosting;
using Inspecta.Server.Hosting;
using Inspecta.Server.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta serve</c>: the HTTP inference server and its web page (Inspecta.Server).</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var models = new Option<string>("--models") { Description = "Folder of .inspecta model files; each is served under its file name without the extension, and reloaded when its file is replaced.", Required = true };
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0: every interface, for a camera PC on the line).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0: a free one, printed at start).", DefaultValueFactory = _ => 8080 };
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = "File of accepted API keys, one per line: /v1/* then needs X-Api-Key or Authorization: Bearer (401 without, 403 wrong)." };
        var concurrency = new Option<int>("--max-concurrency") { Description = "Predictions computed at once.", DefaultValueFactory = _ => Math.Max(1, Math.Min(2, Environment.ProcessorCount)) };
        var queue = new Option<int>("--max-queue") { Description = "Images that may wait for a worker; beyond them requests get 429 with Retry-After.", DefaultValueFactory = _ => 32 };
        var upload = new Option<int>("--max-upload-mb") { Description = "Largest request body in MiB (413 beyond).", DefaultValueFactory = _ => 32 };
        var batch = new Option<int>("--max-batch") { Description = "Most waiting images of one model predicted in one batched call (methods with batched predict: patchcore, padim, spade); 1 turns batching off.", DefaultValueFactory = _ => 8 };
        var megapixels = new Option<double>("--max-megapixels") { Description = "Largest image by its header, refused (413) before decoding: decompression bombs cost nothing.", DefaultValueFactory = _ => 64 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds from arrival to answer; a prediction not done by then gets 504.", DefaultValueFactory = _ => 30 };
        var uploadTimeout = new Option<double>("--upload-timeout") { Description = "Seconds a client has to send its whole body (408 and the connection closed beyond).", DefaultValueFactory = _ => 10 };
        var drain = new Option<double>("--drain-seconds") { Description = "After SIGTERM: seconds during which new requests get 503 (for a load balancer to notice) before the listener closes.", DefaultValueFactory = _ => 0 };
        var shutdown = new Option<double>("--shutdown-timeout") { Description = "Seconds in-flight requests may take to finish after SIGTERM.", DefaultValueFactory = _ => 30 };
        var logJson = new Option<bool>("--log-json") { Description = "Log one JSON object per line (stderr) instead of text." };
        var cluster = new Option<string?>("--cluster") { Description = "Join a cluster: PostgreSQL connection string of its database (Orleans membership, node reports, batch work items). Every node serves the same API; a model is loaded on at most --replicas silos and requests are routed there." };
        var clusterId = new Option<string>("--cluster-id") { Description = "With --cluster: the cluster to join; clusters sharing a database are kept apart by it.", DefaultValueFactory = _ => ClusterSettings.DefaultClusterId };
        var advertise = new Option<string>("--advertise") { Description = "With --cluster: the IP address peers reach this node's silo at.", DefaultValueFactory = _ => "127.0.0.1" };
        var siloPort = new Option<int>("--silo-port") { Description = "With --cluster: TCP port of silo-to-silo traffic (one per node on a machine).", DefaultValueFactory = _ => 11111 };
        var replicas = new Option<int>("--replicas") { Description = "With --cluster: most silos that load one model (placed by load); requests spread over them.", DefaultValueFactory = _ => 2 };
        var batchWorkers = new Option<int>("--batch-workers") { Description = "With --cluster: work items of `inspecta cluster eval|predict|fit` jobs this node runs at once (0: none).", DefaultValueFactory = _ => 1 };
        var connectTimeout = new Option<double>("--connect-timeout") { Description = "With --cluster: seconds to wait for the database at start (retries with backoff) before giving up.", DefaultValueFactory = _ => 60 };
        var probeTimeout = new Option<double>("--probe-timeout") { Description = "With --cluster: seconds of one liveness probe; a silo missing three is declared dead and its models move.", DefaultValueFactory = _ => 2 };
        var cmd = new Command("serve", "Serve models over HTTP: POST an image to /v1/models/<name>/predict for its score, verdict and defect regions; a web page at /, OpenAPI at /openapi/v1.json, Prometheus metrics at /metrics.")
        {
            models, host, port, apiKeyFile, concurrency, queue, upload, batch, megapixels, timeout, uploadTimeout, drain, shutdown, logJson,
            cluster, clusterId, advertise, siloPort, replicas, batchWorkers, connectTimeout, probeTimeout,
        };
        cmd.SetAction(async (parse, cancel) =>
        {
            var options = new ServerOptions(parse.GetValue(models)!, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(apiKeyFile),
                parse.GetValue(concurrency), parse.GetValue(queue), parse.GetValue(upload), parse.GetValue(batch), parse.GetValue(megapixels),
                Seconds(parse.GetValue(timeout), "--timeout"), Seconds(parse.GetValue(uploadTimeout), "--upload-timeout"),
                Seconds(parse.GetValue(drain), "--drain-seconds", allowZero: true), Seconds(parse.GetValue(shutdown), "--shutdown-timeout"));
            Action<ILoggingBuilder> logging = l => l.AddProvider(new LineLoggerProvider(console.Err, parse.GetValue(logJson)));
            if (parse.GetValue(cluster) is { } connection)
            {
                var settings = new ClusterSettings(connection, parse.GetValue(clusterId)!, parse.GetValue(advertise)!, parse.GetValue(siloPort), parse.GetValue(replicas),
                    Seconds(parse.GetValue(connectTimeout), "--connect-timeout"), parse.GetValue(batchWorkers), Seconds(parse.GetValue(probeTimeout), "--probe-timeout"));
                return await ServeClusterAsync(console, options, settings, logging, cancel);
            }
            foreach (var o in new Option[] { clusterId, advertise, siloPort, replicas, batchWorkers, connectTimeout, probeTimeout })
                if (parse.GetResult(o) is { Implicit: false }) throw new InspectaUserException($"{o.Name} needs --cluster.");
            var app = InspectaServer.Build(options, logging);
            await using (app)
            {
                var catalog = app.Services.GetRequiredService<ModelCatalog>();
                try { await app.StartAsync(cancel); }
                catch (IOException e) { throw new InspectaUserException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", e); }
                var address = InspectaServer.Address(app);
                console.Out.WriteLine($"inspecta serve: {catalog.Models.Count} model(s) ({string.Join(", ", catalog.Models.Select(m => m.Name))}) at {address}"
                    + (catalog.Failures.Count > 0 ? $"; {catalog.Failures.Count} failed to load ({string.Join(", ", catalog.Failures.Select(f => f.Name))}, see /readyz)" : ""));
                console.Out.Flush();
                await app.WaitForShutdownAsync(cancel);
                console.Out.WriteLine("inspecta serve: stopped.");
                return CliApp.Ok;
            }
        });
        return cmd;
    }

    /// <summary>A cluster node: the database reached and the model versions checked before the server and its silo start.</summary>
    private static async Task<int> ServeClusterAsync(CliConsole console, ServerOptions options, ClusterSettings settings, Action<ILoggingBuilder> logging, CancellationToken cancel)
    {
        ClusterNode node;
        using (var logs = LoggerFactory.Create(logging)) node = await ClusterNode.PrepareAsync(settings, options, logs.CreateLogger("Inspecta.Cluster"), cancel);
        await using var db = node.Database;
        foreach (string w in node.Warnings) console.Err.WriteLine($"warning: {w}");
        var app = InspectaServer.Build(options, logging, node);
        await using (app)
        {
            try { await app.StartAsync(cancel); }
            catch (IOException e) { throw new InspectaUserException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", e); }
            catch (Exception e) when (e is not OperationCanceledException && Failure.Classify(e) != FailureKind.User)
            {
                throw new InspectaUserException($"cannot join cluster '{settings.ClusterId}' ({node.Database.Display}) as silo {settings.AdvertisedAddress}:{settings.SiloPort}: {Failure.Leaves(e)[0].Message}", e);
            }
            var address = InspectaServer.Address(app);
            var silo = app.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString();
            console.Out.WriteLine($"inspecta serve: cluster '{settings.ClusterId}' node, silo {silo}, {node.Files.All.Count} model file(s) ({string.Join(", ", node.Files.All.Select(f => f.Name))}), " +
                $"up to {settings.Replicas} replica(s) per model, at {address}");
            console.Out.Flush();
            await app.WaitForShutdownAsync(cancel);
            console.Out.WriteLine("inspecta serve: stopped.");
            return CliApp.Ok;
        }
    }

    private static TimeSpan Seconds(double value, string option, bool allowZero = false)
    {
        if (!double.IsFinite(value) || value < 0 || (value == 0 && !allowZero))
            throw new InspectaUserException($"{option} must be a {(allowZero ? "non-negative" : "positive")} number of seconds, got {value}.");
        return TimeSpan.FromSeconds(value);
    }
}
