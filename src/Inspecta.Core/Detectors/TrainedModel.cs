using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Detectors;

/// <summary>A fitted detector with its calibrated thresholds and training summary: what a <c>.inspecta</c> file holds.</summary>
public sealed class TrainedModel(IAnomalyDetector detector, CalibratedThresholds? thresholds, TrainingSummary? summary) : IDisposable
{
    public IAnomalyDetector Detector { get; } = detector;
    /// <summary>Null when no good validation images were available to calibrate on.</summary>
    public CalibratedThresholds? Thresholds { get; } = thresholds;
    public TrainingSummary? Summary { get; } = summary;
    /// <summary>The stored decision rule (<see cref="VerdictRule"/>): how <c>predict</c>, <c>eval</c>, reports, <c>bench</c> and the
    /// server call an image good or defective. Null without calibrated thresholds.</summary>
    public VerdictRule? Rule => VerdictRule.From(Thresholds);
    /// <summary>What the model reads (image, organised scan, point cloud), from its method's descriptor.</summary>
    public InputKind Input => MethodRegistry.Default.Find(Detector.Method)?.Input ?? InputKind.Image;
    /// <summary>The method's parameters as the file stores them (preprocessing, backbone name and hash), for descriptions
    /// such as the server's <c>/v1/models</c>; null for a model not read from a file.</summary>
    public System.Text.Json.Nodes.JsonObject? Parameters { get; init; }
    /// <summary>What the fit noticed about the model that the user should know (not stored in the file).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Writes the model file atomically: the detector's parameters and arrays, thresholds, summary.</summary>
    public void Save(string path)
    {
        var writer = new ModelWriter(Detector.Method);
        Detector.Save(writer);
        if (Thresholds is not null) writer.Manifest["thresholds"] = Thresholds.ToJson();
        if (Summary is not null) writer.Manifest["training"] = Summary.ToJson();
        writer.WriteTo(path);
    }

    /// <summary>Loads any model file (dispatching on its method) with its thresholds and summary.</summary>
    public static TrainedModel Load(string path, MethodRegistry? registry = null) => Load(path, ModelLoadOptions.Default, registry);

    /// <summary>Loads a model with user-supplied help, e.g. the backbone file on a machine where the recorded path does not exist.</summary>
    public static TrainedModel Load(string path, ModelLoadOptions options, MethodRegistry? registry = null)
    {
        var reader = ModelReader.Open(path, options);
        var detector = (registry ?? MethodRegistry.Default).Load(reader);
        try
        {
            return new TrainedModel(detector, CalibratedThresholds.FromJson(reader.Manifest["thresholds"]), TrainingSummary.FromJson(reader.Manifest["training"]))
            {
                Parameters = reader.Manifest["parameters"]?.DeepClone() as System.Text.Json.Nodes.JsonObject,
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException)
        {
            detector.Dispose();
            throw InspectaUserException.ForFile(path, $"the model's thresholds or training summary are malformed ({ex.Message}).");
        }
    }

    public void Dispose() => Detector.Dispose();
}
