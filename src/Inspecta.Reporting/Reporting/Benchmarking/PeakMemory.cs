using System.Diagnostics;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>
/// Peak resident memory of this process. On Linux the high-water mark (VmHWM) can be reset by
/// writing "5" to /proc/self/clear_refs, so each benchmark row gets its own peak; elsewhere the
/// process-lifetime peak is reported (and <see cref="PerRow"/> is false).
/// </summary>
public static class PeakMemory
{
    /// <summary>True when <see cref="Reset"/> really resets the peak.</summary>
    public static bool PerRow { get; private set; } = OperatingSystem.IsLinux();

    public static void Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!PerRow) return;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { PerRow = false; }
    }

    /// <summary>Peak resident set size in bytes since the last <see cref="Reset"/> (or process start).</summary>
    public static long PeakBytes()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length >= 2 && long.TryParse(parts[1], out long kb)) return kb * 1024;
                    }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
