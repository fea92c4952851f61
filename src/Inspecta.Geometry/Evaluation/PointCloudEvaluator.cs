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
    private readonly List<float> _cloudMaxPoint = [];
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
        float max = float.NegativeInfinity;
        for (int i = 0; i < transferred.Length; i++)
        {
            transferred[i] = nearest[i] < 0 ? 0 : pointScores[nearest[i]];
            max = MathF.Max(max, transferred[i]);
        }
        lock (_gate)
        {
            _cloudMaxPoint.Add(max);
            _objectScores.Add(objectScore);
            _objectPositive.Add(anomalous);
            _pointScores.AddRange(transferred);
            for (int i = 0; i < labels.Length; i++) _pointPositive.Add(labels[i] != 0);
        }
    }

    /// <param name="thresholds">Also report what each named point threshold does (see <see cref="PointThresholdReport"/>).</param>
    public PointCloudEvaluationResult Result(string category, IReadOnlyList<(string Name, double Threshold)>? thresholds = null)
    {
        lock (_gate)
        {
            if (_objectScores.Count == 0) throw new InspectaUserException($"{category}: no test clouds to evaluate.");
            int positives = _objectPositive.Count(p => p);
            var objectRanking = positives == 0 || positives == _objectPositive.Count ? null
                : RankingMetrics.Compute(_objectScores.ToArray(), _objectPositive.ToArray(), "object_roc");
            double objectAuroc = objectRanking?.Auroc ?? double.NaN;
            var curves = new List<Curve>();
            if (objectRanking is not null && double.IsFinite(objectAuroc)) curves.Add(objectRanking.Roc);
            int anomalousPoints = _pointPositive.Count(p => p);
            double pointAuroc = double.NaN, pointAp = double.NaN;
            if (anomalousPoints > 0 && anomalousPoints < _pointPositive.Count)
            {
                var r = RankingMetrics.Compute(_pointScores.ToArray(), _pointPositive.ToArray(), "point_roc");
                pointAuroc = r.Auroc; pointAp = r.AveragePrecision;
                curves.Add(r.Roc);
            }
            return new PointCloudEvaluationResult(category, _objectScores.Count, positives, _pointScores.Count, anomalousPoints, objectAuroc, pointAuroc, pointAp)
            {
                Curves = curves,
                Thresholds = thresholds?.Select(t => (t.Name, ReportAt(t.Threshold))).ToList() ?? [],
            };
        }
    }

    private PointThresholdReport ReportAt(double threshold)
    {
        int good = 0, goodRight = 0, defective = 0, defectiveRight = 0;
        for (int c = 0; c < _objectPositive.Count; c++)
        {
            bool segmented = _cloudMaxPoint[c] > threshold;
            if (_objectPositive[c]) { defective++; if (segmented) defectiveRight++; }
            else { good++; if (!segmented) goodRight++; }
        }
        long negatives = 0, falsePositives = 0, positives = 0, truePositives = 0;
        for (int i = 0; i < _pointScores.Count; i++)
        {
            bool on = _pointScores[i] > threshold;
            if (_pointPositive[i]) { positives++; if (on) truePositives++; }
            else { negatives++; if (on) falsePositives++; }
        }
        return new PointThresholdReport(threshold, good, defective,
            good > 0 ? (double)goodRight / good : double.NaN,
            defective > 0 ? (double)defectiveRight / defective : double.NaN,
            negatives > 0 ? (double)falsePositives / negatives : double.NaN,
            positives > 0 ? (double)truePositives / positives : double.NaN);
    }
}

/// <summary>Object and point metrics of one category; NaN when a metric is undefined (only one class present).</summary>
public sealed record PointCloudEvaluationResult(string Category, int CloudCount, int AnomalousClouds, long PointCount, long AnomalousPoints,
    double ObjectAuroc, double PointAuroc, double PointAp)
{
    /// <summary>Object and point ROC curves (each only when both classes are present).</summary>
    public IReadOnlyList<Curve> Curves { get; init; } = [];

    /// <summary>The metrics at each named point threshold that was asked for.</summary>
    public IReadOnlyList<(string Name, PointThresholdReport Report)> Thresholds { get; init; } = [];

    public JsonObject ToJsonNode()
    {
        var node = new JsonObject
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
        if (Thresholds.Count > 0)
        {
            var t = new JsonObject();
            foreach (var (name, report) in Thresholds) t[name] = report.ToJsonNode();
            node["thresholds"] = t;
        }
        return node;
    }

    internal static JsonNode? Json(double v) => double.IsNaN(v) ? null : JsonValue.Create(v);
}

/// <summary>
/// What a fixed point threshold does (point anomalous iff score &gt; threshold), as <see cref="ThresholdReport"/> does for
/// images: a cloud is called defective when any of its ground-truth points is segmented; good and defective accuracy
/// over clouds, point FPR and TPR over all points. NaN when a class is absent.
/// </summary>
public sealed record PointThresholdReport(double Threshold, int GoodClouds, int DefectiveClouds,
    double GoodAccuracy, double DefectiveAccuracy, double PointFpr, double PointTpr)
{
    public JsonObject ToJsonNode() => new()
    {
        ["threshold"] = Threshold,
        ["good_clouds"] = GoodClouds,
        ["defective_clouds"] = DefectiveClouds,
        ["good_accuracy"] = PointCloudEvaluationResult.Json(GoodAccuracy),
        ["defective_accuracy"] = PointCloudEvaluationResult.Json(DefectiveAccuracy),
        ["point_fpr"] = PointCloudEvaluationResult.Json(PointFpr),
        ["point_tpr"] = PointCloudEvaluationResult.Json(PointTpr),
    };
}
