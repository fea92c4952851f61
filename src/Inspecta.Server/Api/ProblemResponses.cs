using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inspecta.Server.Api;

/// <summary>Writes every refusal as problem+json and turns unexpected exceptions into a 500 that names no internals.</summary>
public static class ProblemResponses
{
    public static Task WriteAsync(HttpContext context, ApiProblem problem) =>
        WriteAsync(context, problem.Status, problem.Message, problem.RetryAfterSeconds, problem.CloseConnection, problem.Challenge);

    public static async Task WriteAsync(HttpContext context, int status, string detail, int? retryAfter = null, bool close = false, string? challenge = null)
    {
        if (context.Response.HasStarted) { context.Abort(); return; }
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        if (retryAfter is int s) context.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (close) context.Response.Headers.Connection = "close";
        if (challenge is not null) context.Response.Headers.WWWAuthenticate = challenge;
        var body = new JsonObject
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = context.Request.Path.Value,
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Middleware: <see cref="ApiProblem"/>, Kestrel's own refusals (413 body too large, 408 too slow) and bugs.</summary>
    public static async Task Handle(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ApiProblem p)
        {
            await WriteAsync(context, p).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            string detail = e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "the request body is larger than the server accepts (--max-upload-mb).",
                StatusCodes.Status408RequestTimeout => "the request body arrived too slowly; the server stopped waiting for it.",
                _ => $"malformed request: {e.Message}",
            };
            await WriteAsync(context, e.StatusCode, detail, close: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (Exception e)
        {
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Inspecta.Server")
                .LogError(e, "internal error on {Method} {Path}", context.Request.Method, context.Request.Path.Value);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, $"internal error ({e.GetType().Name}); see the server log.").ConfigureAwait(false);
        }
    }
}
