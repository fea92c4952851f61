using System.Text.Json.Nodes;
using Inspecta.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Inspecta.Server.Api;

/// <summary><c>POST /v1/models/{name}/predict</c> (one image) and <c>…/predict/batch</c> (several, multipart).</summary>
public static class PredictEndpoints
{
    // Documented, not enforced: the body's own bytes say what it is (a camera PC may send any content type).
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/bmp", "image/tiff", "application/octet-stream", "multipart/form-data"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/models/{name}/predict", async (HttpContext context, string name, PredictionService service) =>
        {
            var answer = (await service.PredictAsync(context, name, batch: false))[0];
            var doc = answer.Document!;
            var query = PredictQuery.Parse(context.Request.Query, allowOutput: true);
            if (query.Output is { } output)
            {
                var (bytes, type) = OutputImage(doc, output, name);
                return new ImageResult(bytes, type, ScoreHeader(doc.Prediction.Score), doc.Outcome);
            }
            return Results.Json(doc.ToJson(query.Include));
        })
        .WithTags("predict").WithName("Predict")
        .WithSummary("Score one image")
        .WithDescription("Body: the image (PNG, JPEG, BMP, TIFF; an xyz TIFF for organised-scan models) as the raw body or one multipart file. " +
            "Query: threshold, min_defect_area (verdict overrides), include=map,overlay,mask,values (base64 in the JSON), output=map|overlay|mask (that image as the whole answer, " +
            "score and verdict in X-Inspecta-Score / X-Inspecta-Verdict). Answers the score, the verdict of the model's rule, the regions above the threshold.")
        .AddOpenApiOperationTransformer((operation, _, _) => OpenApiBodies.Images(operation, ImageTypes))
        .Produces<JsonObject>(StatusCodes.Status200OK)
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status408RequestTimeout).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable).ProducesProblem(StatusCodes.Status504GatewayTimeout);

        app.MapPost("/v1/models/{name}/predict/batch", async (HttpContext context, string name, PredictionService service) =>
        {
            var answers = await service.PredictAsync(context, name, batch: true);
            var query = PredictQuery.Parse(context.Request.Query, allowOutput: false);
            return Results.Json(BatchJson(name, [.. answers.Select(a => (a.Name, a.Document?.ToJson(query.Include), a.Error))]));
        })
        .WithTags("predict").WithName("PredictBatch")
        .WithSummary("Score several images")
        .WithDescription("Body: multipart/form-data with one file part per image (at most 64). Same query as /predict except output=. " +
            "Every image gets a result: a prediction, or {image, status, error} for a file that was refused.")
        .AddOpenApiOperationTransformer((operation, _, _) => OpenApiBodies.Images(operation, ["multipart/form-data"]))
        .Produces<JsonObject>(StatusCodes.Status200OK)
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>The answer of the batch endpoint: every image's document, or {image, status, error} for one that was refused.</summary>
    public static JsonObject BatchJson(string model, IReadOnlyList<(string Name, JsonNode? Document, ApiProblem? Error)> answers) => new()
    {
        ["model"] = model,
        ["images"] = answers.Count,
        ["failed"] = answers.Count(a => a.Error is not null),
        ["results"] = new JsonArray([.. answers.Select(a => a.Document ?? new JsonObject
        {
            ["image"] = a.Name, ["status"] = a.Error!.Status, ["error"] = a.Error.Message,
        })]),
    };

    /// <summary>The image of <c>output=map|overlay|mask</c> and its content type.</summary>
    public static (byte[] Bytes, string Type) OutputImage(PredictionDocument doc, string output, string model) => output switch
    {
        "map" => (doc.MapTiff(), "image/tiff"),
        "overlay" => (doc.OverlayPng() ?? throw ApiProblem.Unprocessable($"model '{model}' reads 3D scans: there is no image to overlay (ask for output=map or mask)."), "image/png"),
        _ => (doc.MaskPng() ?? throw ApiProblem.Unprocessable($"model '{model}' has no stored threshold: no mask without a verdict (give threshold=)."), "image/png"),
    };

    /// <summary>The score as <c>X-Inspecta-Score</c> writes it (round-trip float).</summary>
    public static string ScoreHeader(float score) => score.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An image answer with the score and verdict in headers (for PLCs and scripts that want the picture).</summary>
    public sealed class ImageResult(byte[] bytes, string type, string score, string outcome) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = type;
            context.Response.Headers["X-Inspecta-Score"] = score;
            context.Response.Headers["X-Inspecta-Verdict"] = outcome;
            context.Response.ContentLength = bytes.Length;
            return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
        }
    }
}
