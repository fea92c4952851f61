using System.CommandLine;
using System.CommandLine.Parsing;
using Inspecta.Cli.Commands;

namespace Inspecta.Cli;

/// <summary>Builds the command tree and maps failures to exit codes:
/// 0 success, 2 user error (message on stderr), 1 internal failure, 130 cancelled.</summary>
public static class CliApp
{
    public const int Ok = 0, InternalError = 1, UserError = 2, Cancelled = 130;

    /// <param name="args">The command line: <c>fit</c>'s options depend on the method it names.</param>
    public static RootCommand BuildRoot(CliConsole console, IReadOnlyList<string>? args = null)
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
            ExportCommand.Create(console),
            EvalCommand.Create(console),
            FitCommand.Create(console, IsFit(args) ? args! : []), // only fit's own command line names its method
            PredictCommand.Create(console),
            ServeCommand.Create(console),
            ClusterCommand.Create(console),
            PcCommand.Create(console),
            SynthCommand.Create(console),
            DemoCommand.Create(console),
        })
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs the CLI with the given writers (tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, CancellationToken.None);

    /// <param name="cancellation">Cancels the command as Ctrl-C does (tests stand in for the key with it).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        if (args.Length == 0) args = ["--help"]; // bare `inspecta` explains itself (exit 0)
        var console = new CliConsole(stdout, stderr);
        var root = BuildRoot(console, args);
        ParseResult parse = root.Parse(args);
        var errors = parse.Errors.Select(e => MethodOptionHint(parse, PlainTypeNames(e.Message))).Concat(EmptyValues(parse.RootCommandResult)).ToList();
        if (errors.Count > 0 && parse.CommandResult.Command.Name == "fit" && FitCommand.MethodHint(args) is { } hint
            && Detectors.Registry.MethodRegistry.Default.Find(hint) is null)
            errors.Insert(0, $"Unknown method '{hint}'. Known methods: {string.Join(", ", Detectors.Registry.MethodRegistry.Default.All.Select(m => m.Id))}.");
        if (errors.Count > 0)
        {
            foreach (var error in errors) stderr.WriteLine($"error: {error}");
            stderr.WriteLine("Run with --help for usage.");
            return UserError;
        }
        console.Configure(parse);
        // Deriving (or re-deriving a damaged) built-in backbone is worth a line on stderr; the library only raises the event.
        void OnBackboneNotice(string message) => console.Info(message, json: true);   // stderr: stdout may carry JSON
        Features.BuiltInBackbone.Notice += OnBackboneNotice;
        try
        {
            // Ctrl-C cancels the command's token; a training batch or a checkpoint write may take a while to reach the next
            // check, so wait up to a minute (System.CommandLine's default, 2 s, would kill a fit before it says what it kept).
            var configuration = new InvocationConfiguration
            {
                Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromMinutes(1),
            };
            return parse.InvokeAsync(configuration, cancellation).GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            return Fail(ex, console, stderr);
        }
        finally
        {
            Features.BuiltInBackbone.Notice -= OnBackboneNotice;
        }
    }

    /// <summary>The command line runs <c>fit</c> (its first word that is not a global option).</summary>
    private static bool IsFit(IReadOnlyList<string>? args) =>
        args?.FirstOrDefault(a => !a.StartsWith('-')) == "fit";

    /// <summary>An option <c>fit</c> does not know may belong to another method: say which, since options depend on --method.</summary>
    private static string MethodOptionHint(ParseResult parse, string message)
    {
        if (parse.CommandResult.Command.Name != "fit") return message;
        var m = System.Text.RegularExpressions.Regex.Match(message, "'--([a-z0-9-]+)'");
        if (!m.Success) return message;
        var owners = Detectors.Registry.MethodRegistry.Default.All.Where(d => d.Schema.Find(m.Groups[1].Value) is not null).Select(d => d.Id).ToList();
        if (owners.Count == 0) return message;
        string method = FitCommand.MethodHint(parse.Tokens.Select(t => t.Value).ToArray()) is { } h ? $"not of {h}" : "and needs --method";
        return $"{message} --{m.Groups[1].Value} is an option of {string.Join(", ", owners)}, {method} (`inspecta fit --method <id> --help` lists a method's options).";
    }

    /// <summary>System.CommandLine names the .NET type a value failed to parse as; users read "a whole number" better.</summary>
    private static string PlainTypeNames(string message) => System.Text.RegularExpressions.Regex.Replace(message,
        @"as expected type '(?:System\.Nullable`1\[)?System\.(\w+)\]?'",
        m => "as " + (m.Groups[1].Value switch
        {
            "Int32" or "Int64" => "a whole number",
            "UInt32" or "UInt64" => "a whole number ≥ 0",
            "Single" or "Double" => "a number",
            "Boolean" => "true or false",
            var other => other,
        }));

    /// <summary>An empty value ('') is never a valid path, name or number: say which option got one.</summary>
    private static IEnumerable<string> EmptyValues(CommandResult result)
    {
        foreach (var child in result.Children)
        {
            if (child.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                yield return child switch
                {
                    OptionResult o => $"{o.Option.Name} was given an empty value.",
                    ArgumentResult a => $"argument <{a.Argument.Name}> was given an empty value.",
                    _ => "an empty value was given.",
                };
            if (child is CommandResult command) foreach (string nested in EmptyValues(command)) yield return nested;
        }
    }

    /// <summary>Prints a failure and returns its exit code: 2 for user and file-system errors, 130 for cancellation, else 1.</summary>
    internal static int Fail(Exception ex, CliConsole console, TextWriter stderr)
    {
        var leaves = Failure.Leaves(ex);
        switch (Failure.Classify(ex))
        {
            case FailureKind.User:
                // Parallel work can fail on several inputs at once: name each of them (a few, then a count).
                var messages = leaves.Select(Failure.UserMessage).Distinct().ToList();
                foreach (string message in messages.Take(MaxErrorsShown)) stderr.WriteLine($"error: {message}");
                if (messages.Count > MaxErrorsShown) stderr.WriteLine($"error: … and {messages.Count - MaxErrorsShown} more");
                if (console.Verbose) foreach (var leaf in leaves) stderr.WriteLine(leaf);
                return UserError;
            case FailureKind.Cancelled:
                // An interrupted training says what it kept (no model file; where the resumable checkpoint is).
                stderr.WriteLine(leaves.OfType<Torch.Training.TrainingInterruptedException>().FirstOrDefault() is { } stopped ? $"cancelled: {stopped.Message}" : "cancelled.");
                return Cancelled;
            default:
                var inner = leaves.First(l => !Failure.IsUserFacing(l) && l is not OperationCanceledException);
                stderr.WriteLine($"internal error: {inner.GetType().Name}: {inner.Message}");
                stderr.WriteLine(console.Verbose ? inner.ToString() : "Run again with --verbose for the stack trace, and please report it.");
                return InternalError;
        }
    }

    private const int MaxErrorsShown = 5;
}
