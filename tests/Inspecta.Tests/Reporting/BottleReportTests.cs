using System.Diagnostics;
using System.Text.RegularExpressions;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Reporting;
using Inspecta.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Inspecta.Tests.Reporting;

/// <summary>The report of the whole real MVTec AD bottle test set (83 images at 900×900) stays small.</summary>
public class BottleReportTests(ITestOutputHelper output)
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void BottleReport_WholeTestSet_IsUnder30MB_WithEveryImageLinked()
    {
        var category = DatasetReader.Open(SharedData.BottleDir).Categories.Single();
        // A backbone-free method fitted on part of train keeps the test fast; the report does not care how good it is.
        var detector = new Inspecta.Detectors.VariationModel.VariationModelDetector(new Inspecta.Detectors.VariationModel.VariationOptions());
        detector.Fit([.. category.Train.Take(24)]);

        var evaluated = new EvaluatedImage[category.Test.Count];
        Parallel.For(0, evaluated.Length, i =>
        {
            var s = category.Test[i];
            var p = detector.Predict(s);
            var gt = GroundTruthFiles.ReadUnion(s.MaskPaths) ?? new Inspecta.Imaging.Mask(p.Map!.Height, p.Map.Width);
            evaluated[i] = new EvaluatedImage(s.Label, s.Id, p.Score, p.Map!, gt);
        });
        var result = MetricsEvaluator.Evaluate(evaluated, new EvaluationOptions { ExportCurves = true, Category = "bottle" });
        var items = evaluated.Select((e, i) => ReportInputs.Item(e, category.Test[i].LoadImage, category.Test[i].Path)).ToArray();
        var input = ReportInputs.FromEvaluation(result, items, null, "bottle — variation model");

        using var tmp = new TempDir();
        var sw = Stopwatch.StartNew();
        var written = HtmlReportWriter.Write(input, tmp["bottle.html"]);
        output.WriteLine($"bottle report: {written.HtmlBytes / 1e6:F2} MB HTML, {written.FullSizeFiles} full-size files " +
            $"({Directory.GetFiles(written.FilesDirectory!).Sum(f => new FileInfo(f).Length) / 1e6:F1} MB) in {sw.Elapsed.TotalSeconds:F1} s; load {File.ReadAllText("/proc/loadavg").Trim()}");

        Assert.Equal(83, written.Items);
        Assert.True(written.HtmlBytes < 30_000_000, $"report is {written.HtmlBytes} bytes");
        string html = File.ReadAllText(written.HtmlPath);
        Assert.Equal(83, Regex.Matches(html, "<article ").Count);
        Assert.Equal(4 * 83, written.FullSizeFiles);
        foreach (Match m in Regex.Matches(html, "<a href=\"([^\"]+)\""))
            Assert.True(File.Exists(Path.Combine(tmp.Path, Uri.UnescapeDataString(m.Groups[1].Value))));
        foreach (string label in new[] { "good", "broken_large", "broken_small", "contamination" })
            Assert.Contains($"<option value=\"{label}\">", html);
    }
}
