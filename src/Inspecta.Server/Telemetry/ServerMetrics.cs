using System.Diagnostics.Metrics;

namespace Inspecta.Server.Telemetry;

/// <summary>
/// The server's own instruments (meter <see cref="MeterName"/>), exported with ASP.NET Core's request metrics
/// (<c>http.server.request.duration</c>: request counts and latency) on <c>/metrics</c> in Prometheus format.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Inspecta.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _predict;
    private readonly Histogram<double> _wait;
    private readonly Histogram<int> _batch;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _results;

    public ServerMetrics()
    {
        _predict = _meter.CreateHistogram<double>("inspecta.predict.duration", "s", "Time of one predict call per image (a batched call's time divided by its images), per model.");
        _wait = _meter.CreateHistogram<double>("inspecta.queue.wait", "s", "Time an image waited for a worker.");
        _batch = _meter.CreateHistogram<int>("inspecta.batch.size", "{image}", "Images per predict call.");
        _rejected = _meter.CreateCounter<long>("inspecta.rejected", "{request}", "Requests refused before prediction, by reason (queue_full, draining).");
        _results = _meter.CreateCounter<long>("inspecta.predictions", "{image}", "Images answered, by model and verdict (good, defective, none, error).");
    }

    /// <summary>Registers the gauges read from live state (queue depth, admitted images, models served).</summary>
    public void Observe(Func<int> waiting, Func<int> admitted, Func<int> models)
    {
        _meter.CreateObservableGauge("inspecta.queue.depth", waiting, "{image}", "Images waiting for a worker.");
        _meter.CreateObservableGauge("inspecta.queue.admitted", admitted, "{image}", "Images admitted (waiting, computing or being answered).");
        _meter.CreateObservableGauge("inspecta.models.loaded", models, "{model}", "Models serving.");
    }

    public void Predicted(string model, int images, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _batch.Record(images, tag);
        double perImage = elapsed.TotalSeconds / images;
        for (int i = 0; i < images; i++) _predict.Record(perImage, tag);
    }

    public void QueueWait(TimeSpan waited) => _wait.Record(waited.TotalSeconds);
    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public void Answered(string model, string outcome) =>
        _results.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}
