using System.CommandLine;
using Inspecta.Cli;
using Inspecta.Detectors;

namespace Inspecta.Tests.Cli;

/// <summary>Redirected output gets plain, throttled log lines; --quiet gets none.</summary>
public class ProgressOutputTests
{
    private static (CliConsole Console, StringWriter Out, StringWriter Err) Make(params string[] globalFlags)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr);
        var root = CliApp.BuildRoot(console);
        console.Configure(root.Parse(globalFlags));
        return (console, stdout, stderr);
    }

    private static int Work(IProgress<ProgressUpdate> p)
    {
        for (int i = 1; i <= 1000; i++) p.Report(new ProgressUpdate("features", i, 1000));
        for (int i = 1; i <= 3; i++) p.Report(new ProgressUpdate("coreset", i, 3));
        return 42;
    }

    [Fact]
    public void Redirected_PrintsThrottledLinesPerStage_WithoutAnsi()
    {
        var (console, stdout, _) = Make();
        Assert.False(console.Interactive);
        Assert.Equal(42, console.RunWithProgress("fit", Work));
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var features = lines.Where(l => l.Contains("fit: features")).ToArray();
        Assert.InRange(features.Length, 10, 12);          // one per 10 %, not one per update
        Assert.Contains(lines, l => l.Contains("features 1000/1000"));
        Assert.Contains(lines, l => l.Contains("coreset 3/3"));
        Assert.EndsWith("fit: done", lines[^1].TrimEnd());
        Assert.DoesNotContain('\u001b', stdout.ToString());
    }

    [Fact]
    public void LogToStderr_KeepsStdoutClean()
    {
        var (console, stdout, stderr) = Make();
        console.RunWithProgress("eval", Work, logToStderr: true);
        Assert.Equal("", stdout.ToString());
        Assert.Contains("eval: features", stderr.ToString());
    }

    [Fact]
    public void Quiet_PrintsNothing_VerbosePrintsDetails()
    {
        var (quiet, qOut, qErr) = Make("--quiet");
        Assert.Equal(42, quiet.RunWithProgress("fit", Work));
        quiet.Info("status");
        Assert.Equal("", qOut.ToString() + qErr.ToString());

        var (verbose, _, vErr) = Make("--verbose");
        verbose.Detail("detail line");
        Assert.Contains("detail line", vErr.ToString());
        var (normal, _, nErr) = Make();
        normal.Detail("detail line");
        Assert.Equal("", nErr.ToString());
    }
}
