using System.Diagnostics;
using Inspecta.Detectors;
using Inspecta.Server.Api;
using Inspecta.Server.Hosting;
using Inspecta.Server.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Inspecta.Server.Inference;

/// <summary>
/// One predict request from upload to answer: find the model (404), take room in the queue (429 when full, before the
/// body is read, so a flood costs no memory), read the uploads, and let <see cref="ImagePredictor"/> check, predict and
/// judge each within the request timeout (504).
/// </summary>
public sealed class PredictionService(ModelCatalog catalog, ImagePredictor predictor, ServerOptions options, ILogger<PredictionService> log)
{
    public const int MaxBatchImages = 64;

    public async Task<IReadOnlyList<Answer>> PredictAsync(HttpContext context, string name, bool batch)
    {
        var query = PredictQuery.Parse(context.Request.Query, allowOutput: !batch);
        using var lease = catalog.Acquire(name) ?? throw UnknownModel(name);
        var rule = query.Rule(lease.Model);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeoutValue);
        // Room for one image before reading anything; a batch takes room for the rest once it knows how many it holds.
        using var admission = predictor.Admit(1);
        IReadOnlyList<Upload> uploads;
        try { uploads = await UploadReader.ReadAsync(context, options.MaxUploadBytes, options.UploadTimeoutValue, timeout.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new ApiProblem(StatusCodes.Status408RequestTimeout, $"the upload did not finish within the request timeout ({options.RequestTimeoutValue.TotalSeconds:0.#} s, --timeout).") { CloseConnection = true };
        }
        if (!batch && uploads.Count > 1) throw ApiProblem.BadRequest($"{uploads.Count} files sent to the single-image endpoint; use /v1/models/{name}/predict/batch.");
        if (uploads.Count > MaxBatchImages) throw ApiProblem.BadRequest($"{uploads.Count} files in one batch; at most {MaxBatchImages}.");
        using var more = uploads.Count > 1 ? predictor.Admit(uploads.Count - 1) : null;
        var started = Stopwatch.GetTimestamp();
        var answers = await Task.WhenAll(uploads.Select(u => predictor.PredictOneAsync(lease.Model, u, rule, batch, timeout.Token, context.RequestAborted))).ConfigureAwait(false);
        log.LogInformation("predict {Model} {Images} image(s) in {Milliseconds:0.0} ms: {Outcomes}", name, answers.Length,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, string.Join(",", answers.Select(a => a.Document?.Outcome ?? $"{a.Error!.Status}")));
        return answers;
    }

    private ApiProblem UnknownModel(string name)
    {
        var known = catalog.Models.Select(m => m.Name).ToArray();
        string failed = catalog.Failures.FirstOrDefault(f => f.Name == name) is { } f ? $" Its file failed to load: {f.Message}" : "";
        return ApiProblem.NotFound($"no model '{name}' is served.{failed} Served: {(known.Length == 0 ? "none" : string.Join(", ", known))} (GET /v1/models).");
    }

}
