using System.Text.Json.Nodes;
using Inspecta.Evaluation;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Evaluation;

public class CurveExportTests
{
    [Fact]
    public void WritesOneCsvPerCurveAndAJsonWithAll()
    {
        var images = MetricsPropertyTests.Synthetic(9, (gt, rng) => gt.Data.Select(b => rng.Next(0, 256) / 64f + (b != 0 ? 1f : 0f)).ToArray());
        var result = MetricsEvaluator.Evaluate(images, new EvaluationOptions { ExportCurves = true, ProThresholds = 20 });
        using var dir = new TempDir();
        var files = CurveExport.Write(dir["curves"], result.Curves!);

        Assert.Equal(["image_roc", "pixel_pr", "pixel_roc", "pro", "pro_equidistant"], result.Curves!.Select(c => c.Name).Order().ToArray());
        Assert.Equal(result.Curves!.Count + 1, files.Count);
        string[] pro = File.ReadAllLines(dir["curves/pro.csv"]);
        Assert.Equal("threshold,fpr,pro", pro[0]);
        var last = pro[^1].Split(',');
        Assert.Equal("1", last[1]);   // the exact curve ends at FPR 1 …
        Assert.Equal("1", last[2]);   // … and PRO 1
        var json = JsonNode.Parse(File.ReadAllText(dir["curves/curves.json"]))!;
        Assert.Equal(pro.Length - 1, json["pro"]!["x"]!.AsArray().Count);
        Assert.Equal(21, json["pro_equidistant"]!["x"]!.AsArray().Count);
        // FPR never decreases along the thinned curve.
        var x = json["pixel_roc"]!["x"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.True(x.Zip(x.Skip(1)).All(p => p.First <= p.Second));
    }
}
