using System.Text.Json.Nodes;
using Inspecta.Cluster.Database;
using Inspecta.Cluster.Grains;
using Inspecta.Cluster.Hosting;
using Inspecta.Cluster.Status;
using Inspecta.Server.Api;
using Inspecta.Server.Hosting;
using Inspecta.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Runtime;

namespace Inspecta.Cluster.Routing;

/// <summary>
/// The single server's routes on a cluster node: the same predict requests and answers (the document is rendered by the
/// replica that predicted), the model list from the node's model files with the silos holding each, <c>/readyz</c>
/// (ready once this silo is active in the cluster), and <c>GET /v1/cluster</c>: what <c>inspecta cluster status --json</c> prints.
/// </summary>
public static class ClusterEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/readyz", (ClusterView view, ServerState state, ModelFiles files, ILocalSiloDetails silo, IClusterManifestProvider manifests) =>
        {
            bool joined = view.Find(silo.SiloAddress.ToParsableString())?.Active == true;
            // Active silos whose grain manifest this node has: where it can place a model replica now (a silo that just
            // joined becomes placeable a moment after it is active).
            var known = manifests.Current.Silos.Keys.Select(a => a.ToParsableString()).ToHashSet(StringComparer.Ordinal);
            bool ready = joined && files.All.Count > 0 && !state.Draining;
            var body = new JsonObject
            {
                ["status"] = state.Draining ? "draining" : !joined ? "joining" : files.All.Count == 0 ? "no models" : "ready",
                ["silo"] = silo.SiloAddress.ToParsableString(),
                ["active_silos"] = view.Active.Count(),
                ["placeable_silos"] = view.Active.Count(n => known.Contains(n.Silo)),
                ["models"] = new JsonArray([.. files.All.Select(f => (JsonNode)f.Name)]),
                ["failed"] = new JsonArray(),
            };
            return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithTags("health").WithName("Ready").WithSummary("200 once this node's silo is active in the cluster and it has model files.");

        app.MapGet("/v1/models", (ModelFiles files, ClusterView view) => Results.Json(new JsonObject
        {
            ["models"] = new JsonArray([.. files.All.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name, ["file"] = f.Path, ["sha256"] = f.Sha256,
                ["replicas"] = new JsonArray([.. view.Active.SelectMany(n => n.Replicas.Where(r => ModelKey.Parse(r).Model == f.Name)
                    .Select(r => (JsonNode)new JsonObject { ["replica"] = ModelKey.Parse(r).Replica, ["silo"] = n.Silo, ["http"] = n.HttpUrl }))]),
            })]),
        })).WithTags("models").WithName("ListModels").WithSummary("The model files every node serves (name, file, SHA-256) and the silos holding their replicas now.");

        app.MapGet("/v1/models/{name}", async (string name, ModelFiles files, ClusterRouter router) =>
        {
            if (files.Find(name) is null) throw UnknownModel(name, files);
            return Answer(await router.DescribeAsync(name));
        }).WithTags("models").WithName("GetModel").WithSummary("One model's description, from the silo holding its first replica (activating it if needed).");

        app.MapGet("/v1/cluster", async (ClusterDatabase db, ClusterSettings settings, CancellationToken cancel) =>
        {
            var nodes = await ClusterStatusReader.NodesAsync(db.Source, settings.ClusterId, TimeSpan.FromMinutes(10), cancel);
            var jobs = await ClusterStatusReader.JobsAsync(db.Source, settings.ClusterId, cancel);
            return Results.Json(ClusterStatusReader.ToJson(settings.ClusterId, nodes, jobs));
        }).WithTags("cluster").WithName("ClusterStatus").WithSummary("Silos (status, HTTP address, models, load, queue depth) and running batch jobs.");

        app.MapPost("/v1/models/{name}/predict", async (HttpContext context, string name, ModelFiles files, ClusterRouter router, ServerOptions options) =>
        {
            PredictQuery.Parse(context.Request.Query, allowOutput: true);   // a bad query is this node's 400, before the upload
            if (files.Find(name) is null) throw UnknownModel(name, files);
            var uploads = await ReadAsync(context, options);
            if (uploads.Count > 1) throw ApiProblem.BadRequest($"{uploads.Count} files sent to the single-image endpoint; use /v1/models/{name}/predict/batch.");
            return Answer(await router.PredictAsync(name, uploads[0].Name, uploads[0].Bytes, context.Request.QueryString.Value ?? "", options.RequestTimeoutValue, context.RequestAborted));
        }).WithTags("predict").WithName("Predict").WithSummary("Score one image (on the silo holding a replica of the model)");

        app.MapPost("/v1/models/{name}/predict/batch", async (HttpContext context, string name, ModelFiles files, ClusterRouter router, ServerOptions options) =>
        {
            PredictQuery.Parse(context.Request.Query, allowOutput: false);
            if (files.Find(name) is null) throw UnknownModel(name, files);
            var uploads = await ReadAsync(context, options);
            if (uploads.Count > PredictionService.MaxBatchImages) throw ApiProblem.BadRequest($"{uploads.Count} files in one batch; at most {PredictionService.MaxBatchImages}.");
            string query = context.Request.QueryString.Value ?? "";
            var answers = await Task.WhenAll(uploads.Select(u => router.PredictAsync(name, u.Name, u.Bytes, query, options.RequestTimeoutValue, context.RequestAborted)));
            return Results.Json(PredictEndpoints.BatchJson(name, [.. uploads.Zip(answers, (u, a) =>
                (u.Name, a.Json is { } j ? JsonNode.Parse(j) : null, a.Problem is not null ? new ApiProblem(a.Status, $"{a.Problem}") : null))]));
        }).WithTags("predict").WithName("PredictBatch").WithSummary("Score several images (each on a replica of the model)");
    }

    private static async Task<IReadOnlyList<Upload>> ReadAsync(HttpContext context, ServerOptions options)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeoutValue);
        try { return await UploadReader.ReadAsync(context, options.MaxUploadBytes, options.UploadTimeoutValue, timeout.Token); }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new ApiProblem(StatusCodes.Status408RequestTimeout, $"the upload did not finish within the request timeout ({options.RequestTimeoutValue.TotalSeconds:0.#} s, --timeout).") { CloseConnection = true };
        }
    }

    private static IResult Answer(RemoteAnswer a)
    {
        if (a.Problem is not null) throw a.ToProblem();
        if (a.Image is not null) return new PredictEndpoints.ImageResult(a.Image, a.ImageType!, a.Score!, a.Outcome!);
        return Results.Content(a.Json!, "application/json; charset=utf-8");
    }

    private static ApiProblem UnknownModel(string name, ModelFiles files) =>
        ApiProblem.NotFound($"no model '{name}' is served. Served: {(files.All.Count == 0 ? "none" : string.Join(", ", files.All.Select(f => f.Name)))} (GET /v1/models).");
}
