using Inspecta.Datasets;
using Inspecta.Detectors;

namespace Inspecta.Evaluation;

/// <summary>
/// Point-cloud evaluation by running a fitted detector on a category's test clouds (maps of image and organised-scan
/// datasets go through <see cref="Detectors.ModelTestRun"/>). Two clouds are predicted at a time (detectors are safe to
/// call concurrently).
/// </summary>
public static class ModelPredictionSource
{
    private static ParallelOptions InFlight => new() { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)) };

    /// <summary>True for layouts whose ground truth is per point (Real3D-AD, Anomaly-ShapeNet).</summary>
    public static bool IsPointCloud(DatasetFormat format) => format is DatasetFormat.Real3dAd or DatasetFormat.AnomalyShapeNet;

    /// <summary>Object AUROC and point AUROC of a point-cloud method on a Real3D-AD / Anomaly-ShapeNet category.</summary>
    /// <param name="thresholds">Named point thresholds to also report (e.g. the stored one and one the user gave).</param>
    public static PointCloudEvaluationResult EvaluatePointClouds(IAnomalyDetector detector, Category category, IProgress<ProgressUpdate>? progress = null,
        IReadOnlyList<(string Name, double Threshold)>? thresholds = null)
    {
        var test = category.Test;
        if (test.Count == 0) throw new InspectaUserException($"Category '{category.Name}' has no test point clouds.");
        var evaluator = new PointCloudEvaluator();
        int done = 0;
        ParallelUserErrors.Run(() => Parallel.For(0, test.Count, InFlight, i =>
        {
            var sample = test[i];
            var p = detector.Predict(sample);
            var scores = p.PointScores ?? throw new InspectaUserException($"Method {detector.Method} produces no per-point scores; point-cloud datasets need a point-cloud method (e.g. pc-patchcore).");
            var cloud = GeometryInput.ReadCloud(sample, detector.Method);
            if (scores.Length != cloud.Count) throw new InvalidOperationException($"{detector.Method} returned {scores.Length} point scores for {cloud.Count} points.");
            evaluator.Add(!sample.IsGood, p.Score, cloud.Positions, scores, PointLabels.Load(sample));
            progress?.Report(new ProgressUpdate("predict", Interlocked.Increment(ref done), test.Count));
        }));
        return evaluator.Result(category.Name, thresholds);
    }
}
