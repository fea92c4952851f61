using Inspecta.Imaging;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>
/// A pixel threshold estimated from good validation maps only (never from defects). One interface for the fit
/// pipeline's stored calibration, a method's own thresholds (texture-gmm) and the estimators <c>eval</c> reports.
/// A pixel is anomalous when its score is strictly above the threshold.
/// </summary>
public interface IThresholdEstimator
{
    /// <summary>Name used in reports and JSON, e.g. "max_area_810", "k_sigma_3".</summary>
    string Name { get; }
    double Estimate(IReadOnlyList<AnomalyMap> goodMaps);
}

/// <summary>An estimator that also applies to plain scores (e.g. image scores), not only to maps with pixel neighbourhoods.</summary>
public interface IScoreThresholdEstimator : IThresholdEstimator
{
    double Estimate(ReadOnlySpan<float> goodScores);
}
