using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Spectre.Console;

namespace Inspecta.Cli;

/// <summary>
/// All terminal output of a CLI run: plain text, JSON, tables and progress. Progress bars with ETA
/// when stdout is an interactive terminal; plain line logs when redirected; nothing with --quiet.
/// </summary>
public sealed class CliConsole
{
    public static readonly Option<bool> QuietOption = new("--quiet", "-q") { Description = "Print only results and errors.", Recursive = true };
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v") { Description = "Print details and stack traces.", Recursive = true };

    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public bool Quiet { get; private set; }
    public bool Verbose { get; private set; }
    public IAnsiConsole Ansi { get; }

    /// <summary>True when stdout is the process console attached to a terminal (so bars can redraw).</summary>
    public bool Interactive { get; }

    public CliConsole(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout; Err = stderr;
        Interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    internal void Configure(ParseResult parse)
    {
        Quiet = parse.GetValue(QuietOption);
        Verbose = parse.GetValue(VerboseOption);
    }

    /// <summary>A status line (suppressed by --quiet; goes to stderr when stdout carries JSON).</summary>
    public void Info(string message, bool json = false)
    {
        if (Quiet) return;
        (json ? Err : Out).WriteLine(message);
    }

    public void Detail(string message)
    {
        if (Verbose) Err.WriteLine(message);
    }

    public void WriteJson(JsonNode node, string? path = null)
    {
        string text = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (path is null) Out.WriteLine(text);
        else File.WriteAllText(path, text + Environment.NewLine);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while rendering its <see cref="ProgressUpdate"/>s: a Spectre bar per
    /// stage on a terminal, or one stderr line per completed stage otherwise.
    /// <paramref name="logToStderr"/> is kept for callers; redirected progress always goes to stderr.
    /// </summary>
    public T RunWithProgress<T>(string title, Func<IProgress<ProgressUpdate>, T> work, bool logToStderr = false) =>
        RunWithProgress(title, (p, _) => work(p), logToStderr);

    /// <summary>
    /// As above for work that trains a network and also reports <see cref="TrainingEpoch"/>s: on a terminal the training
    /// bar shows the last epoch's figures (epoch, loss, validation loss, samples/s; the bar's own ETA); otherwise one line
    /// per epoch goes to stderr instead of the batch-level lines.
    /// </summary>
    public T RunWithProgress<T>(string title, Func<IProgress<ProgressUpdate>, IProgress<TrainingEpoch>, T> work, bool logToStderr = false)
    {
        if (Quiet) return work(new SyncProgress<ProgressUpdate>(_ => { }), new SyncProgress<TrainingEpoch>(_ => { }));
        if (!Interactive)
        {
            // Progress is not a result: on stderr, so that stdout (tables, JSON, redirected to a file) carries only results.
            var log = new LineProgress(Err, title);
            var start = DateTime.UtcNow;
            var epochs = new SyncProgress<TrainingEpoch>(e =>
            {
                lock (Err) Err.WriteLine($"[{(DateTime.UtcNow - start).TotalSeconds,6:F1}s] {title}: {Describe(e)}");
            });
            var result = work(log, epochs);
            log.Finish();
            return result;
        }
        T value = default!;
        Ansi.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                ProgressTask Task(string stage, long total)
                {
                    if (!tasks.TryGetValue(stage, out var task))
                        tasks[stage] = task = ctx.AddTask($"{title}: {Markup.Escape(stage)}", maxValue: Math.Max(1, total));
                    return task;
                }
                var sink = new SyncProgress<ProgressUpdate>(u =>
                {
                    lock (tasks)
                    {
                        var task = Task(u.Stage, u.Total);
                        task.MaxValue = Math.Max(1, u.Total);
                        task.Value = Math.Min(u.Done, task.MaxValue);
                    }
                });
                var epochs = new SyncProgress<TrainingEpoch>(e =>
                {
                    lock (tasks) Task(TrainingEpoch.Stage(e.Phase), 1).Description = $"{title}: {Markup.Escape(Describe(e))}";
                });
                value = work(sink, epochs);
                lock (tasks) foreach (var t in tasks.Values) t.Value = t.MaxValue;
            });
        return value;
    }

    private static string Describe(TrainingEpoch e) =>
        $"{e.Phase} epoch {e.Epoch}/{e.Epochs}: loss {e.Loss:G5}{(e.ValidationLoss is { } v ? $", validation {v:G5}" : "")}, {e.SamplesPerSecond:F1} samples/s";

    public void RunWithProgress(string title, Action<IProgress<ProgressUpdate>> work, bool logToStderr = false) =>
        RunWithProgress<int>(title, p => { work(p); return 0; }, logToStderr);

    /// <summary>Reports synchronously on the caller's thread (System.Progress posts asynchronously,
    /// which would lose the last updates).</summary>
    private sealed class SyncProgress<TValue>(Action<TValue> onReport) : IProgress<TValue>
    {
        public void Report(TValue value) => onReport(value);
    }

    /// <summary>Plain log lines for redirected output (a log file, CI, a pipe): one line per stage when it completes, with
    /// the run's elapsed time and the stage's own duration, in the order stages finish; no ETA (a rate measured over the
    /// first items of a stage said "2.4min" for a 1 s step). A stage cut short is named by <see cref="Finish"/>.</summary>
    private sealed class LineProgress(TextWriter writer, string title) : IProgress<ProgressUpdate>
    {
        private readonly Dictionary<string, (DateTime Started, ProgressUpdate Last, DateTime? Completed)> _stages = new();
        private readonly DateTime _start = DateTime.UtcNow;

        public void Report(ProgressUpdate u)
        {
            if (u.Stage.StartsWith(TrainingEpoch.StagePrefix, StringComparison.Ordinal)) return; // training speaks once per epoch instead
            lock (_stages)
            {
                var now = DateTime.UtcNow;
                if (!_stages.TryGetValue(u.Stage, out var state) || state.Completed is { } at && IsNewRun(u, now - at)) state = (now, u, null);
                if (state.Completed is not null) return; // a parallel worker's late report of a finished stage
                bool complete = u.Total > 0 && u.Done >= u.Total;
                _stages[u.Stage] = (state.Started, u, complete ? now : null);
                if (complete) Line(u, state.Started, now, "");
            }
        }

        /// <summary>A finished stage reporting again is run anew (the next method of a demo) when the report comes a while later
        /// and from the start or complete at once; parallel workers' late reports of the old run come within moments, near the end.</summary>
        private static bool IsNewRun(ProgressUpdate u, TimeSpan sinceCompleted) =>
            sinceCompleted > TimeSpan.FromMilliseconds(50) && (u.Done >= u.Total || u.Done <= u.Total / 2);

        private void Line(ProgressUpdate u, DateTime started, DateTime now, string suffix) =>
            writer.WriteLine($"[{(now - _start).TotalSeconds,6:F1}s] {title}: {u.Stage} {u.Done}/{u.Total} ({(now - started).TotalSeconds:F1} s){suffix}");

        public void Finish()
        {
            lock (_stages)
            {
                var now = DateTime.UtcNow;
                foreach (var (_, state) in _stages.Where(kv => kv.Value.Completed is null).OrderBy(kv => kv.Value.Started))
                    Line(state.Last, state.Started, now, " (ended early)");
                writer.WriteLine($"[{(now - _start).TotalSeconds,6:F1}s] {title}: done");
            }
        }
    }
}
