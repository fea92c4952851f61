using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

public class CliBasicsTests
{
    [Fact]
    public void HelpSucceedsAndListsCommands()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("dataset", r.Stdout);
    }

    [Fact]
    public void UnknownOptionIsUserErrorWithExitCode2()
    {
        var r = CliRunner.Run("--no-such-option");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--no-such-option", r.Stderr);
    }
}
