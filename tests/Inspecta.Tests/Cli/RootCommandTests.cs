using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

public class RootCommandTests
{
    [Fact]
    public void NoArgumentsPrintsHelpAndSucceeds()
    {
        var r = CliRunner.Run();
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Stdout);
        Assert.Contains("dataset", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void UsageLineNamesTheInspectaCommand()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("inspecta [command] [options]", r.Stdout);
        Assert.DoesNotContain("Inspecta.Cli", r.Stdout);
        var sub = CliRunner.Run("dataset", "info", "--help");
        Assert.Contains("inspecta dataset info <path> [options]", sub.Stdout);
        Assert.Contains("--format", sub.Stdout);
        Assert.Contains("--json", sub.Stdout);
    }
}
