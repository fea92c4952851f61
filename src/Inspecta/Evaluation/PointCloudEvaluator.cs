using System.Text.Json.Nodes;
using Inspecta.Geometry;
using Inspecta.Geometry.Spatial;

namespace Inspecta.Evaluation;

/// <summary>
/// Metrics of point-cloud anomaly detection (Real3D-AD / Anomaly-ShapeNet protocol): object AUROC over the test
/// clouds' object scores (a cloud is positive when its label is not "good") and point AUROC over every ground-truth
/// point of every test cloud pooled. Predicted point scores are transferred to the ground-truth points by nearest
/// neighbour, so ground-truth files that list the points in another order (or a re-sampled copy) are handled;
/// for identical point lists this is the identity. Clouds are added one at a time so only scores are kept.
/// </summary>
public sealed class PointCloudEvaluator
{
    private readonly List<float> _objectScores = [];
    private readonly List<bool> _objectPositive = [];
    private readonly List<float> _pointScores = [];
    private readonly List<bool> _pointPositive = [];
    private readonly object _gate = new();

    /// <summary>Adds one test cloud. Thread-safe; the metrics do not depend on the order of calls.</summary>
    /// <param name="positions">Points the scores belong to (interleaved xyz).</param>
    /// <param name="groundTruth">Ground-truth points with labels (non-zero = anomalous).</param>
    public void Add(bool anomalous, float objectScore, float[] positions, float[] pointScores, PointCloud groundTruth)
    {
        if (pointScores.Length * 3 != positions.Length) throw new ArgumentException("One score per point is needed.", nameof(pointScores));
        if (!float.IsFinite(objectScore)) throw new InspectaUserException($"An object score is not finite ({objectScore}).");
        var labels = groundTruth.Labels ?? throw new ArgumentException("The ground truth has no labels.", nameof(groundTruth));
        var transferred = new float[groundTruth.Count];
        var (nearest, _) = new KdTree(positions).KnnBatch(groundTruth.Positions, 1);
        for (int i = 0; i < transferred.Length; i++) transferred[i] = nearest[i] < 0 ? 0 : pointScores[nearest[i]];
        lock (_gate)
        {
            _objectScores.Add(objectScore);
            _objectPositive.Add(anomalous);
            _pointScores.AddRange(transferred);
            for (int i = 0; i < labels.Length; i++) _pointPositive.Add(labels[i] != 0);
        }
    }

    public PointCloudEvaluationResult Result(string category)
    {
        lock (_gate)
        {
            if (_objectScores.Count == 0) throw new InspectaUserException($"{category}: no test clouds to evaluate.");
            int positives = _objectPositive.Count(p => p);
            double objectAuroc = positives == 0 || positives == _objectPositive.Count ? double.NaN
                : RankingMetrics.Compute(_objectScores.ToArray(), _objectPositive.ToArray(), "object_roc").Auroc;
            int anomalousPoints = _pointPositive.Count(p => p);
            double pointAuroc = double.NaN, pointAp = double.NaN;
            if (anomalousPoints > 0 && anomalousPoints < _pointPositive.Count)
            {
                var r = RankingMetrics.Compute(_pointScores.ToArray(), _pointPositive.ToArray(), "point_roc");
                pointAuroc = r.Auroc; pointAp = r.AveragePrecision;
            }
            return new PointCloudEvaluationResult(category, _objectScores.Count, positives, _pointScores.Count, anomalousPoints, objectAuroc, pointAuroc, pointAp);
        }
    }
}

/// <summary>Object and point metrics of one category; NaN when a metric is undefined (only one class present).</summary>
public sealed record PointCloudEvaluationResult(string Category, int CloudCount, int AnomalousClouds, long PointCount, long AnomalousPoints,
    double ObjectAuroc, double PointAuroc, double PointAp)
{
    public JsonObject ToJsonNode() => new()
    {
        ["category"] = Category,
        ["protocol"] = "point_cloud",
        ["clouds"] = CloudCount,
        ["anomalous_clouds"] = AnomalousClouds,
        ["points"] = PointCount,
        ["anomalous_points"] = AnomalousPoints,
        ["object_auroc"] = Json(ObjectAuroc),
        ["point_auroc"] = Json(PointAuroc),
        ["point_ap"] = Json(PointAp),
    };

    private static JsonNode? Json(double v) => double.IsNaN(v) ? null : JsonValue.Create(v);
}
