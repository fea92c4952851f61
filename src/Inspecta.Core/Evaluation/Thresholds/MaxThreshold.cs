using Inspecta.Imaging;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>The largest good validation score: no false positive on the validation data.</summary>
public sealed class MaxThreshold : IScoreThresholdEstimator
{
    public string Name => "max";
    public double Estimate(IReadOnlyList<AnomalyMap> goodMaps) => ThresholdCalibration.MaxOfScores(goodMaps);
    public double Estimate(ReadOnlySpan<float> goodScores) => ThresholdCalibration.MaxOfScores(goodScores);
}
