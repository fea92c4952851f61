using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Inspecta.Reporting;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Reporting;

public class ReportCommandTests
{
    [Fact]
    public void Report_FromEvalJson_WritesHtmlWithRecomputedMetricsAndGallery()
    {
        using var tmp = new TempDir();
        string eval = SyntheticEvalFolder.Write(tmp.Path, new ReportThreshold(0.5f, "calibrated (test)") { Pixel = 0.45f });
        string html = tmp["out/report.html"];
        Directory.CreateDirectory(tmp["out"]);

        var r = CliRunner.Run("report", eval, "--out", html);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Report: ", r.Stdout);
        string text = File.ReadAllText(html);
        Assert.Contains("AU-PRO@0.3", text);
        Assert.Contains("AU-PRO@0.05", text);
        Assert.Contains("calibrated (test)", text);
        Assert.Contains("pixel threshold", text);
        Assert.Equal(12, Regex.Matches(text, "<article ").Count);
        Assert.True(Directory.GetFiles(tmp["out/report_files"]).Length == 48);

        // The same numbers as evaluating the loaded report input directly.
        var input = EvalJsonReport.Load(eval);
        double auroc = input.Metrics.Single(m => m.Name == "image AUROC").Value;
        Assert.Contains(auroc.ToString("0.0000", CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void Report_Quiet_PrintsNothing_AndNoFullSizeOptionSkipsFiles()
    {
        using var tmp = new TempDir();
        string eval = SyntheticEvalFolder.Write(tmp.Path);
        var r = CliRunner.Run("report", eval, "--out", tmp["r.html"], "--quiet", "--no-full-size", "--thumbnail-size", "64");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.False(Directory.Exists(tmp["r_files"]));
        Assert.Contains("F1-optimal on this test set", File.ReadAllText(tmp["r.html"]));
    }

    [Fact]
    public void Report_UserErrors_NameTheFileAndExitWith2()
    {
        using var tmp = new TempDir();
        var missing = CliRunner.Run("report", tmp["nope.json"], "--out", tmp["r.html"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.json", missing.Stderr);

        File.WriteAllText(tmp["plain.json"], new JsonObject { ["category"] = "x", ["image_auroc"] = 0.9 }.ToJsonString());
        var noSection = CliRunner.Run("report", tmp["plain.json"], "--out", tmp["r.html"]);
        Assert.Equal(2, noSection.ExitCode);
        Assert.Contains("report_inputs", noSection.Stderr);

        File.WriteAllText(tmp["bad.json"], "{ not json");
        Assert.Equal(2, CliRunner.Run("report", tmp["bad.json"], "--out", tmp["r.html"]).ExitCode);

        string eval = SyntheticEvalFolder.Write(tmp.Path);
        File.Delete(Path.Combine(tmp.Path, "good", "001.tiff"));
        var gone = CliRunner.Run("report", eval, "--out", tmp["r.html"]);
        Assert.Equal(2, gone.ExitCode);
        Assert.Contains("001.tiff", gone.Stderr);

        var badDir = CliRunner.Run("report", SyntheticEvalFolder.Write(tmp.Path), "--out", tmp["no/such/dir/r.html"]);
        Assert.Equal(2, badDir.ExitCode);
        Assert.Contains("does not exist", badDir.Stderr);

        Assert.Equal(2, CliRunner.Run("report", eval, "--out", tmp["r.html"], "--thumbnail-size", "5").ExitCode);
        Assert.Equal(2, CliRunner.Run("report", eval).ExitCode);   // --out is required
    }
}
