using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>What a detector says about one sample: an image (object) score plus a map at the input
/// resolution, or per-point scores for unorganised point clouds.</summary>
public sealed record Prediction(float Score, AnomalyMap? Map, float[]? PointScores = null);
