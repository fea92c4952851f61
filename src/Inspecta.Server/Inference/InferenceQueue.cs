using System.Diagnostics;
using System.Threading.Channels;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Server.Telemetry;

namespace Inspecta.Server.Inference;

/// <summary>
/// The bounded work queue between requests and the CPU. At most <c>maxConcurrency + maxQueue</c> images are admitted at
/// once (each admitted request holds its decoded image, so memory is bounded too); one more gets a 429 at once instead of
/// waiting in an unbounded queue. <c>maxConcurrency</c> workers take images in arrival order; a worker whose model has a
/// batched predict (<see cref="IBatchPredictor"/>) takes up to <c>maxBatch</c> waiting images of that model in one call.
/// </summary>
public sealed class InferenceQueue : IAsyncDisposable
{
    private readonly Channel<Job> _channel = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly Task[] _workers;
    private readonly int _capacity, _maxBatch;
    private readonly ServerMetrics _metrics;
    private int _admitted, _waiting;

    public InferenceQueue(int maxConcurrency, int maxQueue, int maxBatch, ServerMetrics metrics)
    {
        _capacity = maxConcurrency + maxQueue;
        _maxBatch = maxBatch;
        _metrics = metrics;
        _workers = [.. Enumerable.Range(0, maxConcurrency).Select(_ => Task.Run(WorkAsync))];
    }

    /// <summary>Images admitted and not finished (waiting, computing or being rendered).</summary>
    public int Admitted => Volatile.Read(ref _admitted);
    /// <summary>Images waiting for a worker: the queue depth.</summary>
    public int Waiting => Volatile.Read(ref _waiting);
    public int Capacity => _capacity;

    /// <summary>Reserves room for <paramref name="images"/> images, or null when the server is full (the caller answers 429).</summary>
    public Admission? TryAdmit(int images)
    {
        while (true)
        {
            int n = Volatile.Read(ref _admitted);
            if (n + images > _capacity) return null;
            if (Interlocked.CompareExchange(ref _admitted, n + images, n) == n) return new Admission(this, images);
        }
    }

    /// <summary>Predicts one admitted image; cancelled (and skipped if not yet started) when <paramref name="cancel"/> fires.</summary>
    public Task<Prediction> PredictAsync(ServedModel model, Sample sample, CancellationToken cancel)
    {
        var job = new Job(model, sample, new TaskCompletionSource<Prediction>(TaskCreationOptions.RunContinuationsAsynchronously), cancel, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref _waiting);
        if (!_channel.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref _waiting);
            throw new ObjectDisposedException(nameof(InferenceQueue), "the server is shutting down.");
        }
        return job.Done.Task.WaitAsync(cancel);
    }

    private async Task WorkAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!reader.TryRead(out var first)) continue;
            Interlocked.Decrement(ref _waiting);
            var batch = new List<Job> { first };
            // Only images of the same model version go into one batched call; anything else goes back to the queue.
            if (_maxBatch > 1 && first.Model.Model.Detector is IBatchPredictor)
                while (batch.Count < _maxBatch && reader.TryRead(out var next))
                {
                    if (ReferenceEquals(next.Model, first.Model)) { Interlocked.Decrement(ref _waiting); batch.Add(next); continue; }
                    _channel.Writer.TryWrite(next);
                    break;
                }
            Run(batch);
        }
    }

    private void Run(List<Job> batch)
    {
        batch.RemoveAll(j =>
        {
            if (!j.Cancel.IsCancellationRequested) return false;
            j.Done.TrySetCanceled(j.Cancel);   // timed out or the client left while waiting: never computed
            return true;
        });
        if (batch.Count == 0) return;
        long start = Stopwatch.GetTimestamp();
        foreach (var j in batch) _metrics.QueueWait(Stopwatch.GetElapsedTime(j.Enqueued, start));
        var model = batch[0].Model;
        try
        {
            if (batch.Count > 1 && model.Model.Detector is IBatchPredictor batched)
            {
                var predictions = batched.PredictBatch([.. batch.Select(j => j.Sample)]);
                for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(predictions[i]);
            }
            else
                foreach (var j in batch) Complete(j, () => j.Model.Model.Detector.Predict(j.Sample));
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad image fails a batched call: predict each alone so that only that one gets the error.
            foreach (var j in batch) Complete(j, () => j.Model.Model.Detector.Predict(j.Sample));
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        _metrics.Predicted(model.Name, batch.Count, elapsed);
    }

    private static void Complete(Job job, Func<Prediction> predict)
    {
        if (job.Done.Task.IsCompleted) return;
        try { job.Done.TrySetResult(predict()); }
        catch (Exception e) { job.Done.TrySetException(e); }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private sealed record Job(ServedModel Model, Sample Sample, TaskCompletionSource<Prediction> Done, CancellationToken Cancel, long Enqueued);

    /// <summary>Room for some images in the server; disposing gives it back.</summary>
    public sealed class Admission(InferenceQueue queue, int images) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Add(ref queue._admitted, -images);
        }
    }
}
