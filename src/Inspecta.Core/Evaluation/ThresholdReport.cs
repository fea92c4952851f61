using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Evaluation;

/// <summary>
/// What a fixed decision rule does on the test set: the share of correctly classified good and defective images, judged by
/// <see cref="VerdictRule"/> (the rule <c>predict</c> applies: defective iff the segmented map has a region of at least the
/// minimum defect area; area 1 is the MVTec AD paper's "any pixel segmented"), the pixel FPR and TPR, and the PRO at the
/// rule's pixel threshold (8-connected ground-truth regions).
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
    /// <summary>The rule's minimum defect area in pixels (1 = any segmented pixel).</summary>
    public int MinDefectArea { get; init; } = 1;
    /// <summary>The verdict per image, in the order of the evaluated images.</summary>
    public IReadOnlyList<ImageVerdict> Verdicts { get; init; } = [];

    /// <summary>Judges at <paramref name="threshold"/> with the MVTec AD paper's rule (any segmented pixel makes an image defective).</summary>
    public static ThresholdReport At(IReadOnlyList<EvaluatedImage> images, double threshold) => At(images, new VerdictRule(threshold, 1));

    public static ThresholdReport At(IReadOnlyList<EvaluatedImage> images, VerdictRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (images.Count == 0) throw new InspectaUserException("No test images to evaluate.");
        int good = 0, goodRight = 0, defective = 0, defectiveRight = 0, regions = 0;
        long ok = 0, fp = 0, gtPixels = 0, tp = 0;
        double overlapSum = 0;
        int[] labels = [];
        var verdicts = new ImageVerdict[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            SortedPixelScores.CheckSizes(image);
            var verdict = rule.Judge(image.Map);
            verdicts[i] = verdict with { Mask = null }; // keep the summary light: masks are recomputed where they are drawn
            byte[] segmented = verdict.Mask!.Data;
            byte[] gt = image.GroundTruth.Data;
            bool isDefective = MetricsEvaluator.HasDefect(image.GroundTruth);
            if (!isDefective)
            {
                ok += segmented.Length; fp += verdict.DefectPixels;
            }
            else
            {
                if (labels.Length < segmented.Length) labels = new int[segmented.Length];
                int count = ConnectedComponents.Label(gt, image.GroundTruth.Height, image.GroundTruth.Width, labels, Connectivity.Eight);
                var size = new int[count + 1];
                var hit = new int[count + 1];
                for (int p = 0; p < segmented.Length; p++)
                {
                    int l = labels[p];
                    size[l]++;
                    if (segmented[p] != 0) hit[l]++;
                }
                ok += size[0]; fp += hit[0];
                for (int k = 1; k <= count; k++) { overlapSum += (double)hit[k] / size[k]; gtPixels += size[k]; tp += hit[k]; }
                regions += count;
            }
            if (isDefective) { defective++; if (verdict.Defective) defectiveRight++; }
            else { good++; if (!verdict.Defective) goodRight++; }
        }
        return new ThresholdReport(
            rule.PixelThreshold, good, defective,
            good > 0 ? (double)goodRight / good : double.NaN,
            defective > 0 ? (double)defectiveRight / defective : double.NaN,
            ok > 0 ? (double)fp / ok : double.NaN,
            gtPixels > 0 ? (double)tp / gtPixels : double.NaN,
            regions > 0 ? overlapSum / regions : double.NaN)
        { MinDefectArea = rule.MinDefectArea, Verdicts = verdicts };
    }

    public JsonObject ToJsonNode() => new()
    {
        ["threshold"] = EvaluationResult.Number(Threshold),
        ["min_defect_area"] = MinDefectArea,
        ["good_images"] = GoodImages,
        ["defective_images"] = DefectiveImages,
        ["good_accuracy"] = EvaluationResult.Number(GoodAccuracy),
        ["defective_accuracy"] = EvaluationResult.Number(DefectiveAccuracy),
        ["pixel_fpr"] = EvaluationResult.Number(PixelFpr),
        ["pixel_tpr"] = EvaluationResult.Number(PixelTpr),
        ["pro"] = EvaluationResult.Number(Pro),
    };
}
