using Inspecta.Datasets;
using Inspecta.Persistence;

namespace Inspecta.Detectors;

/// <summary>
/// Every method, 2D or 3D: fit on good samples only, then predict a score and a map per sample.
/// A detector never reads user paths other than through <see cref="Sample"/>, and never prints. It may hold native
/// resources (an ONNX Runtime session, a network): dispose it.
/// </summary>
public interface IAnomalyDetector : IDisposable
{
    /// <summary>Method id as used on the command line (e.g. "patchcore").</summary>
    string Method { get; }

    void Fit(FitContext context);

    /// <summary>Must be safe to call concurrently once fitted or loaded (<c>inspecta predict</c> keeps two images in flight).</summary>
    Prediction Predict(Sample sample);

    /// <summary>Writes hyper-parameters (manifest) and fitted arrays so that a reload predicts bit-identically.</summary>
    void Save(ModelWriter writer);
}

public static class AnomalyDetectorExtensions
{
    /// <summary>Fits on good training samples alone (no validation samples, no category traits).</summary>
    public static void Fit(this IAnomalyDetector detector, IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        detector.Fit(new FitContext(good) { Progress = progress, Cancellation = ct });
    }
}
