namespace Inspecta.Cli;

/// <summary>Checks that output files can be written before a long run starts, so its results are never lost at the end.</summary>
internal static class OutputFiles
{
    /// <summary>A user error naming <paramref name="path"/> when it is a folder, its folder is missing, or it cannot be opened
    /// for writing. An existing file is left as it is; a probe file is removed again.</summary>
    public static void RequireWritable(string path, string option)
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
}
