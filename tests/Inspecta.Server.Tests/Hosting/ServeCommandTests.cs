using Inspecta.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Hosting;

/// <summary><c>inspecta serve</c>'s bad options are user errors (exit 2, the option named), never a stack trace.</summary>
public class ServeCommandTests
{
    [Theory]
    [InlineData("--models", "/nonexistent/models", "--models must be an existing folder")]
    [InlineData("--port", "70000", "--port must be between 0 and 65535")]
    [InlineData("--max-concurrency", "0", "--max-concurrency must be at least 1")]
    [InlineData("--timeout", "-1", "--timeout must be a positive number")]
    [InlineData("--api-key-file", "/nonexistent/keys.txt", "--api-key-file does not exist")]
    [InlineData("--host", "line-pc", "--host must be an IP address")]
    public void BadOptionsAreUserErrors(string option, string value, string message)
    {
        using var tmp = new TempDir();
        var args = new List<string> { "serve", "--models", tmp.Path, "--port", "0" };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value; else args.AddRange([option, value]);
        var r = CliRunner.Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
