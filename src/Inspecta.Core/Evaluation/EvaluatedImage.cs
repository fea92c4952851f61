using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// One test image as the metrics see it: its image score, its anomaly map and its ground truth, whoever made them
/// (a detector, or maps read from disk).
/// </summary>
/// <param name="Label">"good" or the defect type (folder name), e.g. "broken_large" or "structural_anomalies".</param>
/// <param name="Id">Image id within its label, e.g. "003".</param>
/// <param name="Score">Image-level anomaly score (by convention the maximum of the map).</param>
/// <param name="Map">Per-pixel scores, at ground-truth resolution.</param>
/// <param name="GroundTruth">Non-zero = defect; all zero for good images (the union of all channels for LOCO).</param>
public sealed record EvaluatedImage(string Label, string Id, float Score, AnomalyMap Map, Mask GroundTruth)
{
    /// <summary>MVTec LOCO AD: one mask per annotated defect, each holding its defect type's pixel value; null otherwise.</summary>
    public IReadOnlyList<Mask>? Channels { get; init; }

    /// <summary>Builds an image whose score is the maximum of its map (the protocol of the MVTec papers).</summary>
    public static EvaluatedImage FromMap(string label, string id, AnomalyMap map, Mask groundTruth) =>
        new(label, id, map.Max(), map, groundTruth);

    public override string ToString() => $"{Label}/{Id}";
}
