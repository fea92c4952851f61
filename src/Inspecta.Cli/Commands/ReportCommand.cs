using System.CommandLine;
using Inspecta.Reporting;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta report &lt;eval.json&gt; --out report.html</c>: the HTML report of an evaluation.</summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        var evalJson = new Argument<string>("eval.json") { Description = "Evaluation written by `inspecta eval … --json eval.json`." };
        var output = new Option<string>("--out", "-o") { Description = "HTML file to write; full-size views go to <name>_files/ beside it.", Required = true };
        var options = ReportCliOptions.Create();
        var command = new Command("report", "Write a self-contained HTML report (metrics, curves, worst-first image gallery) from an eval JSON.");
        command.Arguments.Add(evalJson);
        command.Options.Add(output);
        options.AddTo(command);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(evalJson)!;
            OutputPaths.RequireHtmlFile(parse.GetValue(output)!, "--out");
            var input = console.RunWithProgress("report", p => EvalJsonReport.Load(path, p));
            var result = console.RunWithProgress("report", p => HtmlReportWriter.Write(input, parse.GetValue(output)!, options.Read(parse), p));
            ReportCliOptions.PrintResult(console, result);
            return CliApp.Ok;
        });
        return command;
    }
}
