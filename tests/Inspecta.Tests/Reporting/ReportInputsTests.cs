using System.Globalization;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Reporting;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Reporting;

public class ReportInputsTests
{
    [Fact]
    public void FromEvaluation_ListsEveryMetricWithLimits_AndPlotsItsCurves()
    {
        var synthetic = SyntheticReport.Build();
        var evaluated = synthetic.Items.Select(i =>
        {
            var map = Resize.Bilinear(i.LoadMap()!, SyntheticReport.Size, SyntheticReport.Size);
            return EvaluatedImage.FromMap(i.Label, i.Id, map, i.LoadGroundTruth() ?? new Mask(SyntheticReport.Size, SyntheticReport.Size));
        }).ToArray();
        var result = MetricsEvaluator.Evaluate(evaluated, new EvaluationOptions { ExportCurves = true, ProThresholds = 50, Category = "synthetic" });
        var items = evaluated.Select((e, k) => ReportInputs.Item(e, synthetic.Items[k].LoadImage)).ToArray();

        var input = ReportInputs.FromEvaluation(result, items, new ReportThreshold(0.5f, "given"), "Eval report");

        foreach (string limit in new[] { "0.01", "0.05", "0.1", "0.3", "1" })
        {
            var m = Assert.Single(input.Metrics, m => m.Name == $"AU-PRO@{limit}");
            Assert.Equal(result.AuPro[double.Parse(limit, CultureInfo.InvariantCulture)], m.Value);
            Assert.Contains($"limit {limit}", m.Note);
            Assert.Single(input.Metrics, m => m.Name == $"AU-PRO@{limit} (equidistant)");
        }
        Assert.Equal(result.ImageAuroc, input.Metrics.Single(m => m.Name == "image AUROC").Value);
        Assert.Equal(result.PixelAuroc, input.Metrics.Single(m => m.Name == "pixel AUROC").Value);
        Assert.Equal(0.3, input.ProLimits[0]);
        Assert.DoesNotContain(1.0, input.ProLimits);
        Assert.Equal(result.AuPro[0.3], input.Pro!.Area);
        Assert.NotNull(input.ImageRoc);
        Assert.NotNull(input.PixelRoc);
        // Good images carry no contour; defective ones keep their mask.
        Assert.Null(items.First(i => i.IsGood).LoadGroundTruth());
        Assert.NotNull(items.First(i => !i.IsGood).LoadGroundTruth());

        Assert.Equal("0", input.Metrics.Single(m => m.Name == "test images").Format);
        var noRule = ReportInputs.FromEvaluation(result, items, null, "no threshold");
        Assert.Null(noRule.Threshold);
        var fallback = noRule.Oracle!;
        Assert.True(fallback.IsOracle);
        Assert.Equal((float)result.ImageF1Threshold, fallback.Value);
        Assert.Equal((float)result.PixelF1Threshold, fallback.Pixel);
        Assert.Contains("F1-optimal", fallback.Source);

        using var tmp = new TempDir();
        var written = HtmlReportWriter.Write(input, tmp["e.html"], new ReportOptions { FullSizeImages = false });
        string html = File.ReadAllText(written.HtmlPath);
        Assert.Contains(result.AuPro[0.3].ToString("0.0000", CultureInfo.InvariantCulture), html);
        Assert.Contains("alt=\"PRO vs FPR\"", html);
        Assert.Contains("<td>test images</td><td class=\"v\">12</td>", html);
    }

    [Fact]
    public void FromEvaluatedImages_MatchesSamplesByLabelAndId_AndManifestPointsToTheirFiles()
    {
        var synthetic = SyntheticReport.Build(perLabel: 2);
        var samples = synthetic.Items.Select(i => new Inspecta.Datasets.Sample(i.Id, $"/data/{i.Label}/{i.Id}.png", Inspecta.Datasets.Split.Test, i.Label)
        {
            Image = i.LoadImage(),
            MaskPaths = i.IsGood ? [] : [$"/data/gt/{i.Label}/{i.Id}_mask.png"],
        }).ToArray();
        var evaluated = synthetic.Items.Select(i => EvaluatedImage.FromMap(i.Label, i.Id,
            Resize.Bilinear(i.LoadMap()!, SyntheticReport.Size, SyntheticReport.Size),
            i.LoadGroundTruth() ?? new Mask(SyntheticReport.Size, SyntheticReport.Size))).Reverse().ToArray();   // order differs on purpose

        var input = ReportInputs.FromEvaluatedImages(evaluated, samples, new EvaluationOptions { Limits = [0.3] }, null, "t");
        Assert.Equal(evaluated.Length, input.Items.Count);
        Assert.NotNull(input.Pro);   // curves are kept for the plots even though the options did not ask
        Assert.All(input.Items, item => Assert.Equal($"/data/{item.Label}/{item.Id}.png", item.SourcePath));

        var manifest = ReportManifest.FromSamples(evaluated, samples, s => $"/maps/{s.Label}/{s.Id}.tiff");
        var back = ReportManifest.FromEvalJson(new System.Text.Json.Nodes.JsonObject { [ReportManifest.JsonKey] = manifest.ToJson() }, "eval.json");
        Assert.Equal(evaluated.Length, back.Images.Count);
        var bad = back.Images.First(i => i.Label != "good");
        Assert.Equal($"/maps/{bad.Label}/{bad.Id}.tiff", bad.Map);
        Assert.Equal([$"/data/gt/{bad.Label}/{bad.Id}_mask.png"], bad.GroundTruth);
        Assert.Equal(evaluated.First(e => e.Label == bad.Label && e.Id == bad.Id).Score, bad.Score);
    }
}
