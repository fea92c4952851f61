using Inspecta.Datasets;
using Inspecta.Imaging;

namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// One generated 2D sample, held in memory: the final image, the same sample rendered without its
/// defect (same pose, light and sensor noise), and its ground-truth regions.
/// </summary>
/// <param name="Label">"good" or the test folder name (defect type; for LOCO "logical_anomalies"/"structural_anomalies").</param>
/// <param name="DefectType">The defect type, or null for good samples.</param>
/// <param name="Masks">One binary mask per ground-truth region (empty for good samples).</param>
public sealed record SyntheticImage2D(string Category, Split Split, string Label, string? DefectType, string Id,
    ImageF Image, ImageF Clean, IReadOnlyList<Mask> Masks)
{
    /// <summary>An in-memory dataset sample (image and union ground truth), for fitting and evaluating without files.</summary>
    public Sample ToSample() => new(Id, "", Split, Label) { Image = Image, GroundTruth = UnionMask() };

    /// <summary>Union of all regions (the MVTec AD ground truth).</summary>
    public Mask UnionMask()
    {
        var union = new Mask(Image.Height, Image.Width);
        foreach (var m in Masks)
            for (int i = 0; i < m.Data.Length; i++) if (m.Data[i] != 0) union.Data[i] = 255;
        return union;
    }
}
