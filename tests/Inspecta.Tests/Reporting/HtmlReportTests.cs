using System.Text.RegularExpressions;
using Inspecta.Reporting;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Reporting;

public class HtmlReportTests
{
    [Fact]
    public void Report_IsSelfContained_WithMetricsPlotsAndLinkedFullSizeViews()
    {
        using var tmp = new TempDir();
        var input = SyntheticReport.Build();
        var result = HtmlReportWriter.Write(input, tmp["r.html"]);
        string html = File.ReadAllText(result.HtmlPath);

        // No network: every src is a data URI, no http(s) reference anywhere.
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//"), html);
        foreach (Match m in Regex.Matches(html, "<img[^>]*src=\"([^\"]*)\""))
            Assert.StartsWith("data:image/", m.Groups[1].Value);
        // 4 plots (image ROC, pixel ROC, PRO, histogram) + colour bar + 4 views × 12 items.
        Assert.Equal(4 + 1 + 4 * 12, Regex.Matches(html, "<img ").Count);
        Assert.Contains("AU-PRO", html);
        Assert.Contains("FPR limit 0.3", html);
        Assert.Contains("test threshold", html);

        // Full-size views exist and every link points at an existing file.
        Assert.Equal(Path.Combine(tmp.Path, "r_files"), result.FilesDirectory);
        var links = Regex.Matches(html, "<a href=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(4 * 12, links.Length);
        foreach (string link in links) Assert.True(File.Exists(Path.Combine(tmp.Path, Uri.UnescapeDataString(link))), link);
        Assert.Equal(48, result.FullSizeFiles);
    }

    [Fact]
    public void Gallery_IsSortedWorstFirst_WithVerdicts()
    {
        using var tmp = new TempDir();
        var result = HtmlReportWriter.Write(SyntheticReport.Build(), tmp["r.html"], new ReportOptions { FullSizeImages = false });
        string html = File.ReadAllText(result.HtmlPath);
        Assert.Null(result.FilesDirectory);
        var articles = Regex.Matches(html, "<article class=\"item ([a-z-]+)\" data-label=\"([a-z]+)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToArray();
        Assert.Equal(12, articles.Length);
        // Two missed defects (scratch/000, hole/000 at peak 0.35 < 0.5), then the false alarm (good/000).
        Assert.Equal("missed", articles[0].Item1);
        Assert.Equal("missed", articles[1].Item1);
        Assert.Equal(("false-alarm", "good"), articles[2]);
        Assert.All(articles.Skip(3), a => Assert.Contains(a.Item1, new[] { "detected", "ok" }));
        Assert.Contains("errors only (3)", html);
        Assert.Contains("<option value=\"scratch\">scratch (4)</option>", html);
        Assert.DoesNotContain("<a href", html);
    }

    [Fact]
    public void MissingThreshold_FallsBackToBestF1_AndSaysSo()
    {
        using var tmp = new TempDir();
        var input = SyntheticReport.Build() with { Threshold = null };
        var t = ReportThresholds.BestF1(input.Items)!;
        // Peaks: defective 0.35 (×2 missed), 0.7, 0.8, 0.9 (×2 each); good 0.8 once and 0.3 three times.
        // Cutting at 0.35 flags every defect (8) plus the 0.8 good: F1 = 16/17 — best.
        float lowestDefect = input.Items.Where(i => !i.IsGood).Min(i => i.Score);
        Assert.Equal(lowestDefect, t.Value);
        var result = HtmlReportWriter.Write(input, tmp["r.html"], new ReportOptions { FullSizeImages = false });
        Assert.Contains("F1-optimal on this test set", File.ReadAllText(result.HtmlPath));
    }

    [Fact]
    public void MissingOutputFolder_IsAUserError()
    {
        var ex = Assert.Throws<InspectaUserException>(() => HtmlReportWriter.Write(SyntheticReport.Build(1), "/nonexistent-dir/x/r.html"));
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Plots_RenderAsPng()
    {
        var input = SyntheticReport.Build();
        foreach (var png in new[]
        {
            ReportPlots.Roc(input.ImageRoc!, "Image ROC"),
            ReportPlots.Pro(input.Pro!, input.ProLimits, 0.61),
            ReportPlots.ScoreHistogram([0.1, 0.2, 0.3], [0.6, 0.9], input.Threshold),
        })
        {
            Assert.True(png.Length > 2000);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            var decoded = StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.RedGreenBlue);
            Assert.Equal((ReportPlots.Width, ReportPlots.Height), (decoded.Width, decoded.Height));
        }
    }
}
