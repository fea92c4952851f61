namespace Inspecta.Features;

/// <summary>
/// The folder backbones are cached in: <c>INSPECTA_MODELS</c> if set, else <c>~/.cache/inspecta/models</c>.
/// </summary>
public static class ModelCache
{
    public const string EnvironmentVariable = "INSPECTA_MODELS";

    public static string Directory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env)) return System.IO.Path.GetFullPath(env);
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return System.IO.Path.Combine(home, ".cache", "inspecta", "models");
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path) => Persistence.FileHash.Sha256Of(path);

    /// <summary>
    /// Resolves <c>--backbone</c>: an existing file path first, then a preset or file name in the cache
    /// folder; the built-in preset is derived into the cache when needed. Missing → a user error that says how to get the file.
    /// </summary>
    public static (string Path, string Name) Resolve(string pathOrPreset, string? cacheDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(pathOrPreset)) throw new InspectaUserException("No backbone given (--backbone <path|preset>).");
        if (File.Exists(pathOrPreset))
        {
            string full = System.IO.Path.GetFullPath(pathOrPreset);
            return (full, BackbonePreset.ForFile(full)?.Name ?? System.IO.Path.GetFileNameWithoutExtension(full));
        }
        string dir = cacheDirectory ?? Directory;
        var preset = BackbonePreset.Find(pathOrPreset);
        if (preset is { BuiltIn: true } && !pathOrPreset.Contains(System.IO.Path.DirectorySeparatorChar))
            return (BuiltInBackbone.Ensure(dir).Path, preset.Name);
        string fileName = preset?.FileName ?? (pathOrPreset.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? pathOrPreset : pathOrPreset + ".onnx");
        string candidate = System.IO.Path.Combine(dir, System.IO.Path.GetFileName(fileName));
        if (!pathOrPreset.Contains(System.IO.Path.DirectorySeparatorChar) && File.Exists(candidate))
            return (candidate, preset?.Name ?? System.IO.Path.GetFileNameWithoutExtension(candidate));

        string known = string.Join(", ", BackbonePreset.All.Select(p => p.Name));
        string what = preset is null
            ? $"Backbone '{pathOrPreset}' is neither an existing file nor a known preset ({known}) in the model cache '{dir}'."
            : $"Backbone preset '{preset.Name}' is not in the model cache '{dir}' (expected {preset.FileName}; {preset.Source}).";
        throw new InspectaUserException(what +
            $" Get one with `inspecta models pull <url> --sha256 <hex> --name {preset?.Name ?? "<preset>"}`," +
            $" copy the .onnx file into the cache folder (set {EnvironmentVariable} to use another folder), or pass --backbone <path-to.onnx>.");
    }

    /// <summary>
    /// An <c>.onnx</c> file in <paramref name="directory"/> (and its sub-folders) with this SHA-256, or null. Hashes are
    /// remembered in <c>&lt;file&gt;.sha256</c> sidecars (trusted while newer than the file), so a large cache is hashed once.
    /// </summary>
    public static string? FindBySha256(string directory, string sha256)
    {
        if (!System.IO.Directory.Exists(directory)) return null;
        foreach (string file in System.IO.Directory.EnumerateFiles(directory, "*.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            if (string.Equals(KnownSha256(file), sha256, StringComparison.OrdinalIgnoreCase)) return file;
        return null;
    }

    /// <summary>The file's SHA-256, from its sidecar when that is newer than the file, else computed (and the sidecar written if possible).</summary>
    public static string KnownSha256(string file)
    {
        string sidecar = file + ".sha256";
        try
        {
            if (File.Exists(sidecar) && File.GetLastWriteTimeUtc(sidecar) >= File.GetLastWriteTimeUtc(file)
                && File.ReadAllText(sidecar).Trim() is { Length: 64 } known && known.All(char.IsAsciiHexDigitLower))
                return known;
        }
        catch (IOException) { }
        string sha = Sha256Of(file);
        try { File.WriteAllText(sidecar, sha + "\n"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }   // a read-only search folder still works
        return sha;
    }

    /// <summary>
    /// Copies a local ONNX file into the cache (as <paramref name="name"/>.onnx, default: its file name) with its hash
    /// sidecar; refuses a file that is not ONNX Runtime-loadable protobuf (checked by the caller opening it) or a name
    /// that would replace a different file silently.
    /// </summary>
    public static (string Path, string Sha256) Add(string source, string? name = null, bool overwrite = false, string? cacheDirectory = null)
    {
        if (!File.Exists(source)) throw InspectaUserException.ForFile(source, "file not found.");
        string fileName = (name ?? System.IO.Path.GetFileNameWithoutExtension(source)) + ".onnx";
        if (fileName.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || fileName.Contains(System.IO.Path.DirectorySeparatorChar))
            throw new InspectaUserException($"--name {name}: not a valid file name.");
        if (BackbonePreset.Find(fileName) is { BuiltIn: true })
            throw new InspectaUserException($"'{fileName}' is the built-in backbone's name; choose another --name.");
        string dir = cacheDirectory ?? Directory;
        System.IO.Directory.CreateDirectory(dir);
        string target = System.IO.Path.Combine(dir, fileName);
        string sha = Sha256Of(source);
        if (File.Exists(target) && !overwrite && Sha256Of(target) != sha)
            throw InspectaUserException.ForFile(target, "a different backbone is already cached under this name; pass --name <other> or --force.");
        WriteAtomically(target, File.ReadAllBytes(source));
        File.WriteAllText(target + ".sha256", sha + "\n");
        return (target, sha);
    }

    /// <summary>Writes through a temp file in the same folder and renames, so a reader never sees half a backbone.</summary>
    internal static void WriteAtomically(string target, byte[] bytes)
    {
        string tmp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!, $".{System.IO.Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
