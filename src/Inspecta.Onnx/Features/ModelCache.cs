using System.Security.Cryptography;

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
    public static string Sha256Of(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

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
}
