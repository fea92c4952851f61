using System.CommandLine;
using Inspecta.Cli;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>--quiet, --verbose and --help are accepted by every command of the tree.</summary>
public class GlobalOptionsTests
{
    public static IEnumerable<object[]> CommandPaths()
    {
        var root = CliApp.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null));
        var paths = new List<string[]>();
        void Walk(Command c, string[] path)
        {
            foreach (var sub in c.Subcommands)
            {
                var p = path.Append(sub.Name).ToArray();
                paths.Add(p);
                Walk(sub, p);
            }
        }
        Walk(root, []);
        return paths.Select(p => new object[] { string.Join(' ', p) });
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void EveryCommand_AcceptsQuietVerboseAndHelp(string path)
    {
        string[] words = path.Split(' ');
        var root = CliApp.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null));
        foreach (string flag in new[] { "--quiet", "-q", "--verbose", "-v" })
        {
            var parse = root.Parse([.. words, flag]);
            Assert.DoesNotContain(parse.Errors, e => e.Message.Contains(flag, StringComparison.Ordinal));
            Assert.True(parse.GetValue(flag.StartsWith("--q") || flag == "-q" ? CliConsole.QuietOption : CliConsole.VerboseOption), $"{path} {flag}");
        }
        var help = CliRunner.Run([.. words, "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--quiet", help.Stdout);
        Assert.Contains("--verbose", help.Stdout);
    }
}
