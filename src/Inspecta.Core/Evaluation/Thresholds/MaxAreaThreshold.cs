using Inspecta.Imaging;

namespace Inspecta.Evaluation.Thresholds;

/// <summary>
/// Max-area: the smallest threshold at which no connected component of the segmented good validation maps reaches
/// <see cref="MinDefectArea"/> pixels (<see cref="ThresholdCalibration.MaxArea"/>).
/// </summary>
public sealed class MaxAreaThreshold(int minDefectArea) : IThresholdEstimator
{
    public int MinDefectArea { get; } = minDefectArea;
    public string Name => $"max_area_{MinDefectArea}";

    public double Estimate(IReadOnlyList<AnomalyMap> goodMaps)
    {
        if (goodMaps.Count > 0) ThresholdCalibration.RequireMinDefectAreaBelowMap(MinDefectArea, goodMaps[0].Height, goodMaps[0].Width);
        return ThresholdCalibration.MaxArea(goodMaps, MinDefectArea);
    }

    /// <summary>The default rule: 0.1 % of the map area (<see cref="ThresholdCalibration.DefaultMinDefectArea"/>).</summary>
    public static MaxAreaThreshold For(int? minDefectArea, int height, int width) =>
        new(minDefectArea ?? ThresholdCalibration.DefaultMinDefectArea(height, width));
}
