using System.Globalization;
using Inspecta.Imaging;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>μ + kσ of the good validation scores (population standard deviation).</summary>
public sealed class KSigmaThreshold(double k = ThresholdCalibration.DefaultSigmas) : IScoreThresholdEstimator
{
    public double K { get; } = k;
    public string Name => "k_sigma_" + K.ToString(CultureInfo.InvariantCulture);
    public double Estimate(IReadOnlyList<AnomalyMap> goodMaps) => ThresholdCalibration.KSigma(goodMaps, K);
    public double Estimate(ReadOnlySpan<float> goodScores) => ThresholdCalibration.KSigma(goodScores, K);
}
