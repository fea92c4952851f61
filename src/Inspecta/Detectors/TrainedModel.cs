using Inspecta.Persistence;

namespace Inspecta.Detectors;

/// <summary>A fitted detector with its calibrated thresholds and training summary: what a <c>.inspecta</c> file holds.</summary>
public sealed class TrainedModel(IAnomalyDetector detector, CalibratedThresholds? thresholds, TrainingSummary? summary) : IDisposable
{
    public IAnomalyDetector Detector { get; } = detector;
    /// <summary>Null when no good validation images were available to calibrate on.</summary>
    public CalibratedThresholds? Thresholds { get; } = thresholds;
    public TrainingSummary? Summary { get; } = summary;
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
    public static TrainedModel Load(string path)
    {
        var reader = ModelReader.Open(path);
        IAnomalyDetector? detector = null;
        try
        {
            detector = DetectorCatalog.Load(reader);
            return new TrainedModel(detector, CalibratedThresholds.FromJson(reader.Manifest["thresholds"]), TrainingSummary.FromJson(reader.Manifest["training"]));
        }
        // The manifest is read field by field with typed accessors: a hand-edited or foreign file fails in them.
        // (A missing key shows as a NullReferenceException from the `!`-accessors, a mistyped one as InvalidOperationException.)
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException)
        {
            (detector as IDisposable)?.Dispose();
            throw InspectaUserException.ForFile(path, $"the model manifest is malformed ({ex.Message}).");
        }
    }

    public void Dispose() => (Detector as IDisposable)?.Dispose();
}
