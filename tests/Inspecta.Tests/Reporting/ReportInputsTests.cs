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

        using var tmp = new TempDir();
        var written = HtmlReportWriter.Write(input, tmp["e.html"], new ReportOptions { FullSizeImages = false });
        string html = File.ReadAllText(written.HtmlPath);
        Assert.Contains(result.AuPro[0.3].ToString("0.0000", CultureInfo.InvariantCulture), html);
        Assert.Contains("alt=\"PRO vs FPR\"", html);
    }
}
