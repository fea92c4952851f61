using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Inspecta.Persistence;

/// <summary>
/// The hidden temp files of atomic model writes, <c>.&lt;name&gt;.&lt;pid&gt;.&lt;32 hex&gt;.tmp</c> beside the target.
/// Those of this process are removed when the write ends, when it is cancelled and when the process exits (Ctrl-C,
/// SIGTERM); those of processes that no longer run are swept before the next write into the folder.
/// </summary>
public static partial class TempFiles
{
    private static readonly HashSet<string> InFlight = new(StringComparer.Ordinal);

    static TempFiles()
    {
        // SIGTERM and the end of Ctrl-C's grace period exit the process with a write perhaps still running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            string[] pending;
            lock (InFlight) pending = [.. InFlight];
            foreach (string tmp in pending) TryDelete(tmp);
        };
    }

    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex Pattern();

    /// <summary>Notes a temp file this process is about to write, so that an exit removes it.</summary>
    public static string Register(string path)
    {
        lock (InFlight) InFlight.Add(path);
        return path;
    }

    /// <summary>Deletes a temp file of this process (if it is still there) and forgets it.</summary>
    public static void Remove(string path)
    {
        TryDelete(path);
        lock (InFlight) InFlight.Remove(path);
    }

    /// <summary>Deletes the temp files in <paramref name="folder"/> whose writing process no longer runs; returns their paths.</summary>
    public static IReadOnlyList<string> SweepStale(string folder)
    {
        var swept = new List<string>();
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(folder, ".*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return swept; }
        foreach (string file in candidates)
        {
            var m = Pattern().Match(Path.GetFileName(file));
            if (!m.Success || !int.TryParse(m.Groups["pid"].Value, out int pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
            if (TryDelete(file)) swept.Add(file);
        }
        return swept;
    }

    /// <summary>Whether a process with this id runs (a reused id counts as running: its file is then kept, never wrongly deleted).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
