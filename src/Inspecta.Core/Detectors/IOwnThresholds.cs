namespace Inspecta.Detectors;

/// <summary>
/// A detector that calibrates thresholds of its own while fitting (texture-gmm's k-sigma rule on good validation
/// maps), besides the fit pipeline's stored calibration. <c>inspecta eval --model</c> reports what they do.
/// </summary>
public interface IOwnThresholds
{
    /// <summary>Short estimator name used in reports, e.g. "k-sigma".</summary>
    string OwnEstimator { get; }
    float PixelThreshold { get; }
    float ImageThreshold { get; }
}
