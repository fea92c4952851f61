using System.CommandLine;
using Inspecta.Cli.Commands;

namespace Inspecta.Cli;

/// <summary>Builds the command tree and maps failures to exit codes:
/// 0 success, 2 user error (message on stderr), 1 internal failure, 130 cancelled.</summary>
public static class CliApp
{
    public const int Ok = 0, InternalError = 1, UserError = 2, Cancelled = 130;

    public static RootCommand BuildRoot(CliConsole console)
    {
        var root = new RootCommand("Inspecta: unsupervised anomaly detection and localization for visual inspection (2D images and 3D scans).")
        {
            HelpName = "inspecta", // usage line says `inspecta`, not the assembly name Inspecta.Cli
        };
        root.Options.Add(CliConsole.QuietOption);
        root.Options.Add(CliConsole.VerboseOption);
        // One line per verb; each verb lives in Commands/<Verb>Command.cs.
        foreach (var command in new Command[]
        {
            DatasetCommand.Create(console),
            ReportCommand.Create(console),
            BenchCommand.Create(console),
            ModelsCommand.Create(console),
            EvalCommand.Create(console),
            FitCommand.Create(console),
            PredictCommand.Create(console),
            PcCommand.Create(console),
            SynthCommand.Create(console),
            DemoCommand.Create(console),
        })
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs the CLI with the given writers (tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0) args = ["--help"]; // bare `inspecta` explains itself (exit 0)
        var console = new CliConsole(stdout, stderr);
        var root = BuildRoot(console);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return UserError;
        }
        console.Configure(parse);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (Unwrap(ex) is InspectaUserException user)
        {
            stderr.WriteLine($"error: {user.Message}");
            if (console.Verbose) stderr.WriteLine(user);
            return UserError;
        }
        catch (Exception ex) when (Unwrap(ex) is OperationCanceledException)
        {
            stderr.WriteLine("cancelled.");
            return Cancelled;
        }
        catch (Exception ex)
        {
            var inner = Unwrap(ex);
            stderr.WriteLine($"internal error: {inner.GetType().Name}: {inner.Message}");
            stderr.WriteLine(console.Verbose ? inner.ToString() : "Run again with --verbose for the stack trace, and please report it.");
            return InternalError;
        }
    }

    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerExceptions[0];
        while (ex is System.Reflection.TargetInvocationException { InnerException: { } inner }) ex = inner;
        return ex;
    }
}
