using System.Text.Json.Nodes;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// What a fixed segmentation threshold does on the test set (pixel anomalous iff score &gt; threshold): the share of
/// correctly classified good and defective images as in the MVTec AD paper's table (an image is called defective
/// when any of its pixels is segmented), the pixel FPR and TPR, and the PRO at that threshold (8-connected regions).
/// </summary>
public sealed record ThresholdReport(
    double Threshold,
    int GoodImages,
    int DefectiveImages,
    double GoodAccuracy,
    double DefectiveAccuracy,
    double PixelFpr,
    double PixelTpr,
    double Pro)
{
    public static ThresholdReport At(IReadOnlyList<EvaluatedImage> images, double threshold)
    {
        if (images.Count == 0) throw new InspectaUserException("No test images to evaluate.");
        int good = 0, goodRight = 0, defective = 0, defectiveRight = 0, regions = 0;
        long ok = 0, fp = 0, gtPixels = 0, tp = 0;
        double overlapSum = 0;
        int[] labels = [];
        foreach (var image in images)
        {
            SortedPixelScores.CheckSizes(image);
            float[] map = image.Map.Data;
            byte[] gt = image.GroundTruth.Data;
            bool anySegmented = false;
            bool isDefective = MetricsEvaluator.HasDefect(image.GroundTruth);
            if (!isDefective)
            {
                long above = 0;
                foreach (float v in map) if (v > threshold) above++;
                ok += map.Length; fp += above;
                anySegmented = above > 0;
            }
            else
            {
                if (labels.Length < map.Length) labels = new int[map.Length];
                int count = ConnectedComponents.Label(gt, image.GroundTruth.Height, image.GroundTruth.Width, labels, Connectivity.Eight);
                var size = new int[count + 1];
                var hit = new int[count + 1];
                for (int p = 0; p < map.Length; p++)
                {
                    bool on = map[p] > threshold;
                    anySegmented |= on;
                    int l = labels[p];
                    size[l]++;
                    if (on) hit[l]++;
                }
                ok += size[0]; fp += hit[0];
                for (int k = 1; k <= count; k++) { overlapSum += (double)hit[k] / size[k]; gtPixels += size[k]; tp += hit[k]; }
                regions += count;
            }
            if (isDefective) { defective++; if (anySegmented) defectiveRight++; }
            else { good++; if (!anySegmented) goodRight++; }
        }
        return new ThresholdReport(
            threshold, good, defective,
            good > 0 ? (double)goodRight / good : double.NaN,
            defective > 0 ? (double)defectiveRight / defective : double.NaN,
            ok > 0 ? (double)fp / ok : double.NaN,
            gtPixels > 0 ? (double)tp / gtPixels : double.NaN,
            regions > 0 ? overlapSum / regions : double.NaN);
    }

    public JsonObject ToJsonNode() => new()
    {
        ["threshold"] = EvaluationResult.Number(Threshold),
        ["good_images"] = GoodImages,
        ["defective_images"] = DefectiveImages,
        ["good_accuracy"] = EvaluationResult.Number(GoodAccuracy),
        ["defective_accuracy"] = EvaluationResult.Number(DefectiveAccuracy),
        ["pixel_fpr"] = EvaluationResult.Number(PixelFpr),
        ["pixel_tpr"] = EvaluationResult.Number(PixelTpr),
        ["pro"] = EvaluationResult.Number(Pro),
    };
}
