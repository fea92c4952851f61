using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// Evaluation inputs obtained by running a fitted detector on a category's test samples (instead of reading maps
/// from disk): maps for image and organised-scan datasets, object and point scores for point-cloud datasets.
/// Two samples are predicted at a time (detectors are safe to call concurrently).
/// </summary>
public static class ModelPredictionSource
{
    private static ParallelOptions InFlight => new() { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)) };

    /// <summary>True for layouts whose ground truth is per point (Real3D-AD, Anomaly-ShapeNet).</summary>
    public static bool IsPointCloud(DatasetFormat format) => format is DatasetFormat.Real3dAd or DatasetFormat.AnomalyShapeNet;

    /// <summary>Maps at ground-truth resolution (every pixel, invalid scan pixels included); the image score is the detector's own.</summary>
    public static EvaluationInput Load(IAnomalyDetector detector, Category category, IReadOnlyList<DefectSaturation>? locoDefects, IProgress<ProgressUpdate>? progress = null)
    {
        var test = category.Test;
        if (test.Count == 0) throw new InspectaUserException($"Category '{category.Name}' has no test images.");
        var images = new EvaluatedImage[test.Count];
        int done = 0;
        ParallelUserErrors.Run(() => Parallel.For(0, test.Count, InFlight, i =>
        {
            var sample = test[i];
            var p = detector.Predict(sample);
            var map = p.Map ?? throw new InspectaUserException($"Method {detector.Method} produces per-point scores, not maps; evaluate it on a point-cloud dataset (Real3D-AD, Anomaly-ShapeNet).");
            var gt = sample.LoadGroundTruth();
            if (map.Height != gt.Height || map.Width != gt.Width) map = Resize.Bilinear(map, gt.Height, gt.Width);
            var channels = locoDefects is null ? null : sample.LoadGroundTruthChannels();
            images[i] = new EvaluatedImage(sample.Label, sample.Id, p.Score, map, gt) { Channels = channels is { Count: > 0 } ? channels : null };
            progress?.Report(new ProgressUpdate("predict", Interlocked.Increment(ref done), test.Count));
        }));
        return new EvaluationInput(category.Name, images, locoDefects);
    }

    /// <summary>Object AUROC and point AUROC of a point-cloud method on a Real3D-AD / Anomaly-ShapeNet category.</summary>
    public static PointCloudEvaluationResult EvaluatePointClouds(IAnomalyDetector detector, Category category, IProgress<ProgressUpdate>? progress = null)
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
        return evaluator.Result(category.Name);
    }
}
