using Inspecta.Datasets;
using Inspecta.Persistence;

namespace Inspecta.Detectors;

/// <summary>
/// Every method, 2D or 3D: fit on good samples only, then predict a score and a map per sample.
/// A detector never reads user paths other than through <see cref="Sample"/>, and never prints.
/// </summary>
public interface IAnomalyDetector
{
    /// <summary>Method id as used on the command line (e.g. "patchcore").</summary>
    string Method { get; }

    void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default);

    /// <summary>Must be safe to call concurrently once fitted or loaded (<c>inspecta predict</c> keeps two images in flight).</summary>
    Prediction Predict(Sample sample);

    /// <summary>Writes hyper-parameters (manifest) and fitted arrays so that a reload predicts bit-identically.</summary>
    void Save(ModelWriter writer);
}
