using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Inspecta.Tests.Infrastructure;

/// <summary>
/// The real <c>inspecta</c> as a separate process, for what an in-process run cannot show: signals (SIGTERM, SIGINT as
/// Ctrl-C sends it) and process exit.
/// </summary>
public static partial class CliProcess
{
    public const int SigInt = 2, SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="process"/>.</summary>
    public static void Signal(Process process, int signal)
    {
        if (Kill(process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>The CLI in its own output folder (same configuration and runtime as the tests): beside the tests its
    /// method discovery would also find the test assemblies, which its deps.json does not list.</summary>
    public static string Dll()
    {
        // <repo>/tests/<test project>/bin/… → <repo>/src/Inspecta.Cli/bin/…
        string tests = Path.GetFullPath(AppContext.BaseDirectory);
        string marker = Path.DirectorySeparatorChar + "tests" + Path.DirectorySeparatorChar;
        int at = tests.LastIndexOf(marker, StringComparison.Ordinal);
        int project = at < 0 ? -1 : tests.IndexOf(Path.DirectorySeparatorChar, at + marker.Length);
        if (project < 0) throw new InvalidOperationException($"the tests do not run from <repo>/tests/<project>/: {tests}");
        string dll = Path.Combine(tests[..at], "src", "Inspecta.Cli", tests[(project + 1)..], "Inspecta.Cli.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the CLI build is not at {dll}; build the solution first.");
    }

    /// <summary>Starts <c>dotnet Inspecta.Cli.dll args…</c> with redirected output; the environment (e.g. the test model
    /// cache) is inherited.</summary>
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll());
        foreach (string a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet.");
    }
}
