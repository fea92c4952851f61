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
/// body is read, so a flood costs no memory), read and check the uploads, predict through the queue within the request
/// timeout (504), judge with the model's <see cref="VerdictRule"/>.
/// </summary>
public sealed class PredictionService(ModelCatalog catalog, InferenceQueue queue, ServerOptions options, ServerMetrics metrics, ILogger<PredictionService> log)
{
    /// <summary>Seconds a client is told to wait when the queue is full: about one queue's worth of work on a small box.</summary>
    public const int RetryAfterSeconds = 1;

    public const int MaxBatchImages = 64;

    public async Task<IReadOnlyList<Answer>> PredictAsync(HttpContext context, string name, bool batch)
    {
        var query = PredictQuery.Parse(context.Request.Query, allowOutput: !batch);
        using var lease = catalog.Acquire(name) ?? throw UnknownModel(name);
        var rule = query.Rule(lease.Model);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeoutValue);
        // Room for one image before reading anything; a batch takes room for the rest once it knows how many it holds.
        using var admission = queue.TryAdmit(1) ?? throw Full();
        IReadOnlyList<Upload> uploads;
        try { uploads = await UploadReader.ReadAsync(context, options.MaxUploadBytes, options.UploadTimeoutValue, timeout.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new ApiProblem(StatusCodes.Status408RequestTimeout, $"the upload did not finish within the request timeout ({options.RequestTimeoutValue.TotalSeconds:0.#} s, --timeout).") { CloseConnection = true };
        }
        if (!batch && uploads.Count > 1) throw ApiProblem.BadRequest($"{uploads.Count} files sent to the single-image endpoint; use /v1/models/{name}/predict/batch.");
        if (uploads.Count > MaxBatchImages) throw ApiProblem.BadRequest($"{uploads.Count} files in one batch; at most {MaxBatchImages}.");
        using var more = uploads.Count > 1 ? queue.TryAdmit(uploads.Count - 1) ?? throw Full() : null;
        var started = Stopwatch.GetTimestamp();
        var answers = await Task.WhenAll(uploads.Select(u => PredictOneAsync(lease.Model, u, rule, batch, timeout.Token, context.RequestAborted))).ConfigureAwait(false);
        log.LogInformation("predict {Model} {Images} image(s) in {Milliseconds:0.0} ms: {Outcomes}", name, answers.Length,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, string.Join(",", answers.Select(a => a.Document?.Outcome ?? $"{a.Error!.Status}")));
        return answers;
    }

    private async Task<Answer> PredictOneAsync(ServedModel model, Upload upload, VerdictRule? rule, bool batch, CancellationToken timeout, CancellationToken aborted)
    {
        try
        {
            using var sample = UploadedSample.From(upload, model, options.MaxPixels);
            Prediction prediction;
            try
            {
                prediction = await queue.PredictAsync(model, sample.Sample, timeout).ConfigureAwait(false);
                prediction = PredictionOutput.RequireFinite(prediction, upload.Name);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
            {
                throw new ApiProblem(StatusCodes.Status504GatewayTimeout, $"{upload.Name}: no prediction within {options.RequestTimeoutValue.TotalSeconds:0.#} s (--timeout); the server is overloaded or the image is very large.");
            }
            catch (Exception e) when (Failure.Classify(e) == FailureKind.User)
            {
                // Wrong size or channels for the model, an unreadable scan: the input's fault, said as predict says it.
                throw ApiProblem.Unprocessable(sample.Rename(Failure.UserMessage(Failure.Leaves(e)[0])), e);
            }
            if (prediction.Map is null) throw ApiProblem.Unprocessable($"{model.Model.Detector.Method} produces per-point scores, not an anomaly map; the server answers for maps only.");
            var document = new PredictionDocument(model, sample.Sample.Id, sample.Image, prediction, rule, sample.Warnings);
            metrics.Answered(model.Name, document.Outcome);
            return new Answer(upload.Name, document, null);
        }
        catch (ApiProblem p) when (batch)
        {
            // A batch answers every image: one bad file does not hide the verdicts of the others.
            metrics.Answered(model.Name, "error");
            return new Answer(upload.Name, null, p);
        }
        catch (ApiProblem)
        {
            metrics.Answered(model.Name, "error");
            throw;
        }
    }

    private ApiProblem Full()
    {
        metrics.Rejected("queue_full");
        return new ApiProblem(StatusCodes.Status429TooManyRequests,
            $"the server is busy: {queue.Capacity} image(s) are already admitted (--max-concurrency + --max-queue); retry after {RetryAfterSeconds} s.")
        { RetryAfterSeconds = RetryAfterSeconds };
    }

    private ApiProblem UnknownModel(string name)
    {
        var known = catalog.Models.Select(m => m.Name).ToArray();
        string failed = catalog.Failures.FirstOrDefault(f => f.Name == name) is { } f ? $" Its file failed to load: {f.Message}" : "";
        return ApiProblem.NotFound($"no model '{name}' is served.{failed} Served: {(known.Length == 0 ? "none" : string.Join(", ", known))} (GET /v1/models).");
    }

    /// <summary>One image's answer: a document, or (in a batch) the problem that refused it. A document reads only managed
    /// state of its model (method name, thresholds), so rendering it after the lease ended is safe across a reload.</summary>
    public sealed record Answer(string Name, PredictionDocument? Document, ApiProblem? Error);
}
