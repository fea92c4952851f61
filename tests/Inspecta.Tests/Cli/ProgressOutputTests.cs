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
    public void Redirected_PrintsOneStderrLinePerStage_InOrder_WithoutEtaOrAnsi()
    {
        var (console, stdout, stderr) = Make();
        Assert.False(console.Interactive);
        Assert.Equal(42, console.RunWithProgress("fit", Work));
        Assert.Equal("", stdout.ToString());
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^\[ *[0-9.]+s\] fit: features 1000/1000 \([0-9.]+ s\)$", lines[0].TrimEnd());
        Assert.Contains("fit: coreset 3/3", lines[1]);
        Assert.EndsWith("fit: done", lines[^1].TrimEnd());
        Assert.DoesNotContain("eta", stderr.ToString());
        Assert.DoesNotContain('\u001b', stderr.ToString());
    }

    [Fact]
    public void ParallelUpdates_AndARepeatedStage_StayOneLineEach_AStageCutShortIsNamed()
    {
        var (console, _, stderr) = Make();
        console.RunWithProgress("demo", p =>
        {
            for (int run = 0; run < 2; run++)
            {
                int done = 0;
                Parallel.For(0, 500, _ => p.Report(new ProgressUpdate("predict", Interlocked.Increment(ref done), 500)));
                p.Report(new ProgressUpdate("predict", 498, 500)); // a worker's late report: not a new run
                Thread.Sleep(100);
                p.Report(new ProgressUpdate("features", 4, 4));     // one batch: complete at once, each run
                Thread.Sleep(100);
            }
            p.Report(new ProgressUpdate("report", 2, 5)); // stopped before the end
            return 0;
        });
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Count(l => l.Contains("demo: predict 500/500", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("demo: report 2/5", StringComparison.Ordinal) && l.Contains("ended early", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.Contains("demo: features 4/4", StringComparison.Ordinal)));
        Assert.Equal(6, lines.Length);
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
