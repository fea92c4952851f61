using Inspecta.Detectors;
using Inspecta.Server.Api;
using Inspecta.Server.Hosting;
using Inspecta.Server.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Inspecta.Server.Inference;

/// <summary>
/// One uploaded image through a loaded model: check it against the training images (4xx), predict through the bounded
/// <see cref="InferenceQueue"/> within the request timeout (504), judge with the request's <see cref="VerdictRule"/>.
/// The HTTP front of one server and a cluster node's model grain both answer through it.
/// </summary>
public sealed class ImagePredictor(InferenceQueue queue, ServerOptions options, ServerMetrics metrics)
{
    /// <summary>Seconds a client is told to wait when the queue is full: about one queue's worth of work on a small box.</summary>
    public const int RetryAfterSeconds = 1;

    public ServerOptions Options => options;
    public InferenceQueue Queue => queue;

    /// <summary>Room for <paramref name="images"/> images in the queue, or a 429.</summary>
    public InferenceQueue.Admission Admit(int images) => queue.TryAdmit(images) ?? throw Full();

    public async Task<Answer> PredictOneAsync(ServedModel model, Upload upload, VerdictRule? rule, bool batch, CancellationToken timeout, CancellationToken aborted)
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
}

/// <summary>One image's answer: a document, or (in a batch) the problem that refused it. A document reads only managed
/// state of its model (method name, thresholds), so rendering it after the lease ended is safe across a reload.</summary>
public sealed record Answer(string Name, PredictionDocument? Document, ApiProblem? Error);
