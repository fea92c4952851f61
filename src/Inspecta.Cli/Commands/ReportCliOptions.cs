using System.CommandLine;
using Inspecta.Reporting;

namespace Inspecta.Cli.Commands;

/// <summary>Report rendering options shared by <c>inspecta report</c> and <c>inspecta eval --report</c>.</summary>
internal sealed class ReportCliOptions
{
    public Option<int> ThumbnailSize { get; } = new("--thumbnail-size") { Description = "Longest side of embedded thumbnails in pixels.", DefaultValueFactory = _ => 200 };
    public Option<bool> NoFullSize { get; } = new("--no-full-size") { Description = "Do not write full-size views beside the HTML (thumbnails only)." };

    public static ReportCliOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(ThumbnailSize);
        command.Options.Add(NoFullSize);
    }

    public ReportOptions Read(ParseResult parse)
    {
        int size = parse.GetValue(ThumbnailSize);
        if (size is < 32 or > 1024) throw new InspectaUserException($"--thumbnail-size must lie in [32, 1024], got {size}.");
        return new ReportOptions { ThumbnailSize = size, FullSizeImages = !parse.GetValue(NoFullSize) };
    }

    public static void PrintResult(CliConsole console, ReportResult result, bool toStderr = false)
    {
        string files = result.FilesDirectory is null ? "" : $"; {result.FullSizeFiles} full-size views in {result.FilesDirectory}";
        console.Info($"Report: {result.HtmlPath} ({result.HtmlBytes / (1024.0 * 1024.0):F1} MB, {result.Items} images{files})", toStderr);
    }
}
