namespace Inspecta.Cli;

/// <summary>
/// Checks output locations before long work starts, so that a typo or an unwritable folder is reported at once
/// (naming the path) instead of after minutes of fitting or benchmarking.
/// </summary>
internal static class OutputPaths
{
    /// <summary>
    /// A file to be written: a user error naming <paramref name="path"/> when it is a folder, its folder is missing,
    /// or it cannot be opened for writing. An existing file keeps its contents; a probe file is removed again.
    /// </summary>
    public static void RequireWritableFile(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InspectaUserException($"{option}: no file name given.");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw InspectaUserException.ForFile(path, $"{option} names a folder; give a file path.");
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
            throw InspectaUserException.ForFile(path, $"{option}: the folder '{dir}' does not exist" + (File.Exists(dir) ? " (it is a file)." : "."));
        bool existed = File.Exists(full);
        try
        {
            // No truncation: an existing file keeps its contents until the results replace it.
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { }
            if (!existed) File.Delete(full);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw InspectaUserException.ForFile(path, $"{option}: cannot write this file ({e.Message}).", e);
        }
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

    /// <summary>An HTML report path: it must end in .html/.htm, so it can never replace an image, map or JSON it shows.</summary>
    public static void RequireHtmlFile(string path, string option)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".html" or ".htm"))
            throw InspectaUserException.ForFile(path, $"{option} must name an .html file (the report would otherwise be written over a file of another kind).");
        RequireWritableFile(path, option);
    }

    /// <summary>The absolute path with every symbolic link along it resolved (parts that do not exist yet are kept as given).</summary>
    public static string Resolved(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                current = Path.GetFullPath(target.FullName);
        }
        return current;
    }
}
