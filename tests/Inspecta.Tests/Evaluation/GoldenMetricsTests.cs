using System.Text.Json.Nodes;
using Inspecta.Evaluation;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Evaluation;

/// <summary>Reproduces the numbers the official MVTec evaluation code computed on the golden folders.</summary>
public class GoldenMetricsTests
{
    private static JsonNode Expected(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")))!;

    [SharedFact("golden", "metrics", "mvtec_ad_style")]
    public void MvtecStyleMatchesOfficialValues()
    {
        var expected = Expected(GoldenData.MvtecDir);
        var images = GoldenData.LoadMvtec();
        var result = MetricsEvaluator.Evaluate(images, new EvaluationOptions { Category = "toy", ProThresholds = 100 });

        Assert.Equal(14, images.Count);
        Assert.Equal((int)expected["num_regions_8_connectivity"]!, result.RegionCount);
        foreach (var image in images)
            Assert.Equal((double)expected["image_scores_max"]![$"{image.Label}/{image.Id}"]!, image.Score, 1e-7);
        Assert.Equal((double)expected["image_auroc"]!, result.ImageAuroc, 1e-6);
        Assert.Equal((double)expected["pixel_auroc"]!, result.PixelAuroc, 1e-6);
        Assert.Equal((double)expected["pixel_average_precision"]!, result.PixelAp, 1e-6);
        foreach (var (key, value) in expected["au_pro"]!.AsObject())
            Assert.Equal((double)value!, result.AuPro[double.Parse(key, System.Globalization.CultureInfo.InvariantCulture)], 1e-6);
        foreach (var (key, value) in expected["au_pro_equidistant_100_thresholds"]!.AsObject())
            Assert.Equal((double)value!, result.AuProEquidistant![double.Parse(key, System.Globalization.CultureInfo.InvariantCulture)], 1e-6);
    }

    [SharedFact("golden", "metrics", "loco_style")]
    public void LocoStyleMatchesOfficialValues()
    {
        var expected = Expected(GoldenData.LocoDir);
        var images = GoldenData.LoadLoco();
        var result = LocoEvaluator.Evaluate(images, GoldenData.LocoDefects(), new EvaluationOptions { Category = "toy_loco" });

        var auc = expected["classification"]!["auc_roc"]!;
        Assert.Equal((double)auc["structural_anomalies"]!, result.ImageAurocStructural, 1e-9);
        Assert.Equal((double)auc["logical_anomalies"]!, result.ImageAurocLogical, 1e-9);
        Assert.Equal((double)auc["mean"]!, result.ImageAurocMean, 1e-9);
        var spro = expected["localization"]!["auc_spro"]!;
        foreach (var (type, values) in new[] { ("structural_anomalies", result.AuSproStructural), ("logical_anomalies", result.AuSproLogical), ("mean", result.AuSproMean) })
            foreach (var (key, value) in spro[type]!.AsObject())
                Assert.Equal((double)value!, values[double.Parse(key, System.Globalization.CultureInfo.InvariantCulture)], 2e-3);
    }
}
