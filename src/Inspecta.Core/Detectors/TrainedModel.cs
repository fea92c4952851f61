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
    /// <summary>What the fit noticed about the model that the user should know (stored in the manifest as "warnings").</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>What the training images looked like, to check inputs against (null for 3D models and files written before it).</summary>
    public InputExpectations? Inputs { get; init; }

    /// <summary>
    /// Checks an image to predict from its header, before any pixel is decoded: refuses (a user error naming the file) an
    /// image beyond the pixel budget or one the model cannot give a meaningful map for; returns warnings for the rest.
    /// </summary>
    public IReadOnlyList<string> CheckInput(Datasets.Sample sample, long maxPixels = InputExpectations.MaxPixels)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (Input != InputKind.Image || sample.GeometryPath is not null) return [];
        var info = sample.ReadImageInfo();
        string path = string.IsNullOrEmpty(sample.Path) ? sample.Id : sample.Path;
        InputExpectations.RequireWithinBudget(info, path, maxPixels);
        return Inputs?.Check(info, path) ?? [];
    }

    /// <summary>Writes the model file atomically: the detector's parameters and arrays, thresholds, summary.</summary>
    /// <param name="ct">Cancels the write (Ctrl-C): the temp file is removed and the target left as it was.</param>
    public void Save(string path, CancellationToken ct = default)
    {
        var writer = new ModelWriter(Detector.Method);
        Detector.Save(writer);
        if (Thresholds is not null) writer.Manifest["thresholds"] = Thresholds.ToJson();
        if (Summary is not null) writer.Manifest["training"] = Summary.ToJson();
        if (Inputs is not null) writer.Manifest["inputs"] = Inputs.ToJson();
        writer.Manifest["warnings"] = new System.Text.Json.Nodes.JsonArray([.. Warnings.Select(w => (System.Text.Json.Nodes.JsonNode)w)]);
        writer.WriteTo(path, ct);
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
                Inputs = InputExpectations.FromJson(reader.Manifest["inputs"]),
                Warnings = reader.Manifest["warnings"] is System.Text.Json.Nodes.JsonArray w ? [.. w.Select(n => n!.GetValue<string>())] : [],
                Parameters = reader.Manifest["parameters"]?.DeepClone() as System.Text.Json.Nodes.JsonObject,
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException or ArgumentException)
        {
            detector.Dispose();
            throw InspectaUserException.ForFile(path, $"the model's thresholds or training summary are malformed ({ex.Message}).");
        }
    }

    public void Dispose() => Detector.Dispose();
}
