using System.Text.Json.Nodes;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>The root <c>synth 2d</c> writes (MVTec AD and MVTec LOCO AD categories side by side) works with every verb.</summary>
public class SynthRootCliTests
{
    [Fact]
    public void Synth2dRootWorksWithDatasetInfoFitEvalAndBench_InEachCategorysProtocol()
    {
        using var tmp = new TempDir();
        string d2 = tmp["d2"];
        var synth = CliRunner.Run("synth", "2d", "--out", d2, "--categories", "tiles,flange,assembly", "--count", "6", "--test-count", "2", "--size", "64", "-q");
        Assert.True(synth.ExitCode == 0, synth.Stderr);

        var info = CliRunner.Run("dataset", "info", d2, "--json", "-q");
        Assert.True(info.ExitCode == 0, info.Stderr);
        var cats = JsonNode.Parse(info.Stdout)!["categories"]!;
        Assert.Equal(("mvtec_loco", "mvtec_ad", "mvtec_ad"),
            ((string)cats["assembly"]!["format"]!, (string)cats["flange"]!["format"]!, (string)cats["tiles"]!["format"]!));

        foreach (string category in new[] { "tiles", "assembly" })
        {
            string model = tmp[category + ".inspecta"];
            var fit = CliRunner.Run("fit", "--dataset", d2, "--category", category, "--method", "variation", "--out", model, "-q");
            Assert.True(fit.ExitCode == 0, fit.Stderr);
            var eval = CliRunner.Run("eval", "--dataset", d2, "--category", category, "--model", model, "--json", "-q");
            Assert.True(eval.ExitCode == 0, eval.Stderr);
        }

        var bench = CliRunner.Run("bench", "-d", d2, "-m", "variation", "--json", tmp["bench.json"], "-q");
        Assert.True(bench.ExitCode == 0, bench.Stderr + bench.Stdout);
        Assert.Contains("| tiles | variation |", bench.Stdout);
        Assert.Contains("MVTec LOCO AD protocol", bench.Stdout);
        Assert.Contains("AU-sPRO@0.05 mean", bench.Stdout);
        var rows = JsonNode.Parse(File.ReadAllText(tmp["bench.json"]))!["rows"]!.AsArray().ToDictionary(r => (string)r!["category"]!);
        Assert.Equal("mvtec_ad", (string)rows["tiles"]!["protocol"]!);
        Assert.NotNull(rows["tiles"]!["au_pro_0.3"]);
        Assert.Null(rows["tiles"]!["loco"]);

        // The LOCO row carries the LOCO protocol's numbers, the same as eval reports for the same fitted method.
        var loco = rows["assembly"]!;
        Assert.Equal("mvtec_loco", (string)loco["protocol"]!);
        Assert.Null(loco["pixel_auroc"]);
        Assert.Null(loco["au_pro_0.3"]);
        var evalJson = JsonNode.Parse(CliRunner.Run("eval", "--dataset", d2, "--category", "assembly", "--model", tmp["assembly.inspecta"], "--json", "-q").Stdout)!;
        var metrics = evalJson;
        foreach (string subset in new[] { "structural", "logical", "mean" })
        {
            Assert.Equal((double)metrics["image_auroc"]![subset]!, (double)loco["loco"]!["image_auroc"]![subset]!, 6);
            Assert.Equal((double)metrics["au_spro"]![subset]!["0.05"]!, (double)loco["loco"]!["au_spro"]![subset]!["0.05"]!, 6);
        }
        Assert.Equal((double)metrics["image_auroc"]!["mean"]!, (double)loco["image_auroc"]!, 6);
    }
}
