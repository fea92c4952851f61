using System.Globalization;
using Inspecta.Imaging;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>The p-quantile of the good validation scores (numpy's linear interpolation).</summary>
public sealed class QuantileThreshold(double p = ThresholdCalibration.DefaultQuantile) : IScoreThresholdEstimator
{
    public double P { get; } = p;
    public string Name => "quantile_" + P.ToString(CultureInfo.InvariantCulture);
    public double Estimate(IReadOnlyList<AnomalyMap> goodMaps) => ThresholdCalibration.Quantile(goodMaps, P);
    public double Estimate(ReadOnlySpan<float> goodScores) => ThresholdCalibration.Quantile(goodScores, P);
}
