using System.Text.Json.Nodes;
using Inspecta.Persistence;

namespace Inspecta.Features;

/// <summary>
/// Finds the backbone a model was fitted with by its SHA-256, so a model file travels: the hash, not the path, is the
/// identity. Looked for in order: the user's <c>--backbone</c>, a backbone bundled into the model file, the recorded
/// path, the preset in the model cache, the built-in derivation, then any <c>.onnx</c> in the cache or on
/// <see cref="SearchPathVariable"/> with that hash.
/// </summary>
public static class BackboneLocator
{
    /// <summary>Folders (separated by the platform's path separator) searched for a backbone with the recorded hash.</summary>
    public const string SearchPathVariable = "INSPECTA_BACKBONE_PATH";

    /// <summary>Where a bundled backbone is stored inside a model file.</summary>
    public const string BundleEntry = "bundle/backbone.onnx";

    /// <summary>Resolves the backbone recorded under <c>parameters.backbone</c>; the result's hash equals <paramref name="sha256"/>.</summary>
    public static (string Path, string Name) Locate(string name, string? recordedPath, string sha256, ModelReader reader)
    {
        sha256 = sha256.ToLowerInvariant();
        if (reader.LoadOptions.Backbone is { } given)
        {
            var explicitFile = ModelCache.Resolve(given);
            string actual = ModelCache.Sha256Of(explicitFile.Path);
            if (actual != sha256)
                throw reader.Error($"--backbone {given}: '{explicitFile.Path}' has SHA-256 {actual}, but the model was fitted with '{name}' (SHA-256 {sha256}). " +
                                   "Give the very file the model was fitted with.");
            return explicitFile;
        }
        if (Bundled(reader, sha256) is { } bundled) return (bundled, name);
        if (recordedPath is not null && File.Exists(recordedPath) && ModelCache.Sha256Of(recordedPath) == sha256) return (Path.GetFullPath(recordedPath), name);
        var preset = BackbonePreset.Find(name);
        if (preset is not null && !preset.BuiltIn)
        {
            string cached = Path.Combine(ModelCache.Directory, preset.FileName);
            if (File.Exists(cached) && ModelCache.Sha256Of(cached) == sha256) return (cached, preset.Name);
        }
        if (preset is { BuiltIn: true })
        {
            // Derived deterministically: a damaged or missing cached copy is derived again and gives back the same file.
            var derived = BuiltInBackbone.Ensure();
            if (derived.Sha256 == sha256) return (derived.Path, preset.Name);
        }
        var searched = SearchFolders();
        foreach (string dir in searched)
            // The sidecar only skips files quickly; the hit itself is hashed again so an edited file is never used.
            if (ModelCache.FindBySha256(dir, sha256) is { } hit && ModelCache.Sha256Of(hit) == sha256) return (hit, name);

        throw reader.Error($"the backbone '{name}' it was fitted with (SHA-256 {sha256}) was not found: not at its recorded path " +
                           $"'{recordedPath}', not in the model cache, and no .onnx with that hash in {string.Join(", ", searched.Select(d => $"'{d}'"))}. " +
                           $"Pass --backbone <file.onnx>, add the file with `inspecta models add <file.onnx>`, set {SearchPathVariable}, " +
                           "or ship the model with its backbone (`inspecta export --bundle`).");
    }

    /// <summary>The model cache, then each folder of <see cref="SearchPathVariable"/>.</summary>
    public static IReadOnlyList<string> SearchFolders()
    {
        var dirs = new List<string> { ModelCache.Directory };
        if (Environment.GetEnvironmentVariable(SearchPathVariable) is { Length: > 0 } list)
            dirs.AddRange(list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath));
        return dirs.Distinct().ToList();
    }

    /// <summary>
    /// A backbone bundled into the model file, unpacked once into the cache's <c>bundled/</c> folder under its hash
    /// (ONNX Runtime opens files; other models with the same backbone reuse the copy).
    /// </summary>
    private static string? Bundled(ModelReader reader, string sha256)
    {
        if (reader.Manifest["bundle"] is not JsonObject) return null;
        var bytes = reader.Entry(BundleEntry) ?? throw reader.Error($"the manifest says a backbone is bundled, but '{BundleEntry}' is missing.");
        string actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        if (actual != sha256) throw reader.Error($"the bundled backbone has SHA-256 {actual}, not the recorded {sha256} (the file is damaged or was edited).");
        string dir = Path.Combine(ModelCache.Directory, "bundled");
        string target = Path.Combine(dir, sha256 + ".onnx");
        if (File.Exists(target) && ModelCache.Sha256Of(target) == sha256) return target;
        Directory.CreateDirectory(dir);
        ModelCache.WriteAtomically(target, bytes);
        return target;
    }
}
