using System.Text.Json.Nodes;
using Inspecta.Tests.Detectors.ThreeD;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>A pc-patchcore model fitted once on the synthetic Anomaly-ShapeNet-layout class.</summary>
public sealed class PointCloudModelFixture : IDisposable
{
    private readonly TempDir _tmp = new();
    public ThreeDFixtures Data { get; } = new();
    public string Model => _tmp["pc.inspecta"];

    public PointCloudModelFixture()
    {
        var fit = CliRunner.Run("fit", "--dataset", Data.ShapeNetRoot, "--category", ThreeDFixtures.ShapeClass, "--method", "pc-patchcore",
            "--centres", "128", "--out", Model);
        if (fit.ExitCode != 0) throw new InvalidOperationException(fit.Stderr + fit.Stdout);
    }

    public void Dispose() { Data.Dispose(); _tmp.Dispose(); }
}

/// <summary><c>eval --model</c> on a point-cloud dataset: every option either works or is refused up front (exit 2), none is ignored.</summary>
public class EvalPointCloudOptionsTests(PointCloudModelFixture fx) : IClassFixture<PointCloudModelFixture>
{
    private CliRunner.Result Eval(params string[] extra) =>
        CliRunner.Run(["eval", "--dataset", fx.Data.ShapeNetRoot, "--category", ThreeDFixtures.ShapeClass, "--model", fx.Model, .. extra]);

    [Theory]
    [InlineData("--report", "r.html")]
    [InlineData("--save-maps", "maps")]
    [InlineData("--validation-maps", "val")]
    [InlineData("--min-defect-area", "5")]
    [InlineData("--limits", "0.3")]
    [InlineData("--pro-thresholds", "10")]
    public void Map_only_options_are_refused_before_any_prediction(string option, string value)
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["val"]);
        string arg = option is "--min-defect-area" or "--limits" or "--pro-thresholds" ? value : tmp[value];
        var r = Eval(option, arg, "--json", tmp["m.json"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{option} is not supported for point-cloud datasets", r.Stderr);
        Assert.DoesNotContain("predict", r.Stdout);
        Assert.False(File.Exists(tmp["m.json"]), "nothing is written when an option is refused");
        Assert.False(File.Exists(tmp["r.html"]));
        Assert.False(Directory.Exists(tmp["maps"]));
    }

    [Fact]
    public void Threshold_and_curves_report_point_metrics_at_the_threshold_and_write_object_and_point_roc()
    {
        using var tmp = new TempDir();
        var r = Eval("--threshold", "-1", "--curves", tmp["curves"], "--json");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var m = JsonNode.Parse(r.Stdout)!;
        // Below every score: every point and every cloud is called anomalous.
        var given = m["thresholds"]!["given"]!;
        Assert.Equal(1.0, given["point_fpr"]!.GetValue<double>());
        Assert.Equal(1.0, given["point_tpr"]!.GetValue<double>());
        Assert.Equal(0.0, given["good_accuracy"]!.GetValue<double>());
        Assert.Equal(1.0, given["defective_accuracy"]!.GetValue<double>());
        Assert.Equal(6, given["good_clouds"]!.GetValue<int>());
        foreach (string f in (string[])["object_roc.csv", "point_roc.csv", "curves.json"])
            Assert.True(File.Exists(Path.Combine(tmp["curves"], f)), f);
        // The ROC ends at (1, 1) and has the point AUROC under it.
        var roc = File.ReadAllLines(Path.Combine(tmp["curves"], "point_roc.csv")).Skip(1).Select(l => l.Split(',').Skip(1).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double area = 0;
        for (int i = 1; i < roc.Length; i++) area += (roc[i][0] - roc[i - 1][0]) * (roc[i][1] + roc[i - 1][1]) / 2;
        Assert.Equal(m["point_auroc"]!.GetValue<double>(), area, 3);

        var high = Eval("--threshold", "1e30");
        Assert.True(high.ExitCode == 0, high.Stderr + high.Stdout);
        Assert.Matches(@"threshold given\s+1E\+30\s+good acc 1\.0000\s+defective acc 0\.0000\s+point FPR 0\.0000\s+point TPR 0\.0000", high.Stdout);
    }
}
