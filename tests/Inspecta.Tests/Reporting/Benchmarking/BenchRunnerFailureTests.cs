using Inspecta.Detectors.Registry;
using Inspecta.Reporting.Benchmarking;

namespace Inspecta.Tests.Reporting.Benchmarking;

/// <summary>How <see cref="BenchRunner"/> records failed rows, and categories without pixel ground truth.</summary>
public class BenchRunnerFailureTests
{
    private static MethodConfig Failing(string id, Func<Exception> error) => MethodConfig.Default(new FailingMethod(id, error));

    [Fact]
    public void FailedRowsSayWhetherTheFailureIsTheUsersOrABug()
    {
        var options = new BenchOptions
        {
            Methods =
            [
                Failing("user-bad", () => new InspectaUserException("--image-size 5 is too small")),
                Failing("wrapped", () => new AggregateException(new InspectaUserException("bad data in a parallel loop"))),
                Failing("buggy", () => new InvalidOperationException("index out of range")),
            ],
        };
        var report = BenchRunner.Run([BenchRunnerTests.TinyCategory("a")], options, "x");

        var byMethod = report.Rows.ToDictionary(r => r.Method);
        Assert.Equal(("--image-size 5 is too small", true), (byMethod["user-bad"].Error, byMethod["user-bad"].ErrorIsUserError));
        Assert.Equal(("bad data in a parallel loop", true), (byMethod["wrapped"].Error, byMethod["wrapped"].ErrorIsUserError));
        Assert.Equal(("index out of range", false), (byMethod["buggy"].Error, byMethod["buggy"].ErrorIsUserError));
        var json = report.ToJson()["rows"]!.AsArray();
        Assert.Equal(["user", "user", "internal"], json.Select(r => r!["error_kind"]!.GetValue<string>()));
        Assert.Contains("| a | buggy | failed: index out of range |", report.ToMarkdown());
    }

    [Fact]
    public void ACategoryWithoutMasksGetsImageAurocOnly()
    {
        var tiny = BenchRunnerTests.TinyCategory("labels-only");
        var cat = tiny with { Test = [.. tiny.Test.Select(s => s with { GroundTruth = null })], HasPixelGroundTruth = false };
        var options = new BenchOptions { Methods = [MeanImageDetector.Config] };
        var row = Assert.Single(BenchRunner.Run([cat], options, "x").Rows);
        Assert.True(row.Error is null, row.Error);
        Assert.Equal(1.0, row.ImageAuroc, 6);   // the bright square still ranks every defect first
        Assert.True(double.IsNaN(row.PixelAuroc) && double.IsNaN(row.AuPro30) && double.IsNaN(row.AuPro05));
        Assert.Equal(BenchRow.MvtecAdProtocol, row.Protocol);
    }
}
