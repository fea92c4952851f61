namespace Inspecta.Cli;

/// <summary>
/// Checks output locations before long work starts, so that a typo or an unwritable folder is reported at once
/// (naming the path) instead of after minutes of fitting or benchmarking.
/// </summary>
internal static class OutputPaths
{
    /// <summary>A file to be written: not a directory, and its folder exists (created if needed) and accepts files.</summary>
    public static void RequireWritableFile(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw InspectaUserException.ForFile(full, $"{option} names a folder; give a file path.");
        string folder = Path.GetDirectoryName(full)!;
        RequireWritableFolder(folder, option);
    }

    /// <summary>A folder to write into: not an existing file, created if needed, and accepting files.</summary>
    public static void RequireWritableFolder(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw InspectaUserException.ForFile(full, $"{option} names an existing file; give a folder.");
        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".inspecta-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InspectaUserException.ForFile(full, $"cannot write there ({option}): {ex.Message}");
        }
    }
}
