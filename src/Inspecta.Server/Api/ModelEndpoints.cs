using System.Text.Json.Nodes;
using Inspecta.Server.Hosting;
using Inspecta.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Inspecta.Server.Api;

/// <summary>Health, readiness and the model list.</summary>
public static class ModelEndpoints
{
    /// <summary><c>/healthz</c>: every host of the API has it.</summary>
    public static void MapHealth(IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", () => Results.Json(new JsonObject { ["status"] = "alive" }))
            .WithTags("health").WithName("Health").WithSummary("The process is alive (no model check).");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/readyz", (ModelCatalog catalog, ServerState state) =>
        {
            var models = catalog.Models;
            var failures = catalog.Failures;
            // Ready while at least one model serves: a broken file is reported here and in the log, the others keep serving.
            bool ready = models.Count > 0 && !state.Draining;
            var body = new JsonObject
            {
                ["status"] = state.Draining ? "draining" : models.Count == 0 ? "no models" : failures.Count > 0 ? "degraded" : "ready",
                ["models"] = new JsonArray([.. models.Select(m => (JsonNode)m.Name)]),
                ["failed"] = new JsonArray([.. failures.Select(f => (JsonNode)new JsonObject
                {
                    ["name"] = f.Name, ["file"] = f.Path, ["error"] = f.Message, ["at"] = f.At.ToString("O"),
                    ["previous_version_serving"] = f.PreviousVersionServing,
                })]),
            };
            return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithTags("health").WithName("Ready").WithSummary("200 while at least one model is loaded and the server is not shutting down; lists failed model files.");

        app.MapGet("/v1/models", (ModelCatalog catalog) =>
            Results.Json(new JsonObject { ["models"] = new JsonArray([.. catalog.Models.Select(m => (JsonNode)m.Describe())]) }))
            .WithTags("models").WithName("ListModels").WithSummary("Name, method, backbone, preprocessing (input size), thresholds, verdict rule and training summary of every model.")
            .Produces<JsonObject>();

        app.MapGet("/v1/models/{name}", (string name, ModelCatalog catalog) =>
        {
            using var lease = catalog.Acquire(name) ?? throw ApiProblem.NotFound($"no model '{name}' is served (GET /v1/models).");
            return Results.Json(lease.Model.Describe());
        }).WithTags("models").WithName("GetModel").WithSummary("One model's description.").Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
