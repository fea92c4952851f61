using System.CommandLine;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta dataset …</c>: inspect datasets on disk.</summary>
internal static class DatasetCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("dataset", "Inspect datasets on disk (MVTec AD, LOCO, 3D-AD, VisA, BTAD, folders).");
        // `dataset info` is added by the datasets work.
        return command;
    }
}
