using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Features;

/// <summary>
/// The built-in <c>resnet18</c> backbone: derived on first use from the package file (<see cref="ResNet18Package"/>)
/// into the model cache as <c>resnet18.onnx</c>, beside a sidecar recording the source's and the derived file's
/// SHA-256. A cached file whose hash no longer matches (corrupted, edited) is re-derived. Written atomically
/// (temp file + rename); two processes deriving at once write identical bytes, so either rename wins harmlessly.
/// </summary>
public static class BuiltInBackbone
{
    public const string PresetName = "resnet18";
    public const string FileName = "resnet18.onnx";
    public const string SidecarFileName = "resnet18.onnx.json";

    /// <summary>
    /// Raised with a one-line message when the backbone is derived, or re-derived because the cached file was damaged.
    /// The library never prints; the CLI shows these on stderr.
    /// </summary>
    public static event Action<string>? Notice;

    /// <summary>What the preset is, for <c>models list</c> and error messages.</summary>
    public static string Description =>
        $"built in: ImageNet ResNet-18 from the NuGet package {ResNet18Package.Id} {ResNet18Package.Version} (MIT), " +
        "derived at first use into the model cache (layer1-3 outputs, ImageNet-normalised RGB input, any size)";

    /// <summary>The cached derived file with its SHA-256, deriving it first when it is missing, stale or damaged.</summary>
    public static (string Path, string Sha256) Ensure(string? cacheDirectory = null, IReadOnlyList<string>? packageSearchRoots = null)
    {
        string dir = cacheDirectory ?? ModelCache.Directory;
        if (File.Exists(dir)) throw InspectaUserException.ForFile(dir, "the model cache (INSPECTA_MODELS) is a file, not a folder.");
        if (Intact(dir) is { } ok) return ok;
        Directory.CreateDirectory(dir);
        // One deriver at a time (across processes too: .NET takes an advisory lock for FileShare.None);
        // whoever waited finds the file intact afterwards and uses it.
        using var gate = AcquireLock(Path.Combine(dir, ".resnet18.lock"));
        return Intact(dir, report: true) ?? Derive(dir, packageSearchRoots);
    }

    /// <summary>The cached file and its hash when it matches its record; with <paramref name="report"/>, says why not.</summary>
    private static (string Path, string Sha256)? Intact(string dir, bool report = false)
    {
        string target = Path.Combine(dir, FileName), sidecar = Path.Combine(dir, SidecarFileName);
        var recorded = ReadSidecar(sidecar);
        if (File.Exists(target) && recorded is { } r)
        {
            if (r.Revision != ResNet18Derivation.Revision)
            {
                if (report) Notice?.Invoke($"The cached built-in backbone {target} is from derivation revision {r.Revision}; deriving revision {ResNet18Derivation.Revision}.");
                return null;
            }
            string actual = ModelCache.Sha256Of(target);
            if (actual == r.DerivedSha256) return (target, actual);
            if (report) Notice?.Invoke($"The cached built-in backbone {target} has SHA-256 {actual}, not the {r.DerivedSha256} it was derived with " +
                                       "(corrupted or edited); deriving it again from the package.");
        }
        else if (File.Exists(target) && report)
        {
            // A resnet18.onnx put there by hand (the preset once meant a torchvision export): keep it, but aside.
            string aside = target + ".previous";
            File.Move(target, aside, overwrite: true);
            Notice?.Invoke($"{target} was not derived by Inspecta (no {SidecarFileName}); moved it to {aside} and deriving the built-in resnet18.");
        }
        return null;
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(100); }
        }
    }

    private static (string Path, string Sha256) Derive(string dir, IReadOnlyList<string>? packageSearchRoots)
    {
        var files = ResNet18Package.Locate(packageSearchRoots);
        byte[] source = File.ReadAllBytes(files.Model);
        string sourceSha = Convert.ToHexStringLower(SHA256.HashData(source));
        var means = ResNet18Derivation.ChannelMeansBgr(File.ReadAllBytes(files.Preprocess), files.Preprocess);
        string provenance = $"Derived by Inspecta (revision {ResNet18Derivation.Revision}) from {ResNet18Package.Id} {ResNet18Package.Version} " +
                            $"{ResNet18Package.ModelRelativePath} (SHA-256 {sourceSha}): cut after layer 3, stage outputs layer1-3, dynamic N/H/W, " +
                            "ImageNet-normalised RGB input folded into the network's BGR 0-255 minus channel-mean input.";
        byte[] derived = ResNet18Derivation.Derive(source, files.Model, means, provenance);
        string derivedSha = Convert.ToHexStringLower(SHA256.HashData(derived));

        string target = Path.Combine(dir, FileName), sidecar = Path.Combine(dir, SidecarFileName);
        var record = new JsonObject
        {
            ["preset"] = PresetName,
            ["revision"] = ResNet18Derivation.Revision,
            ["package"] = ResNet18Package.Id,
            ["package_version"] = ResNet18Package.Version,
            ["source"] = ResNet18Package.ModelRelativePath,
            ["source_sha256"] = sourceSha,
            ["sha256"] = derivedSha,
        };
        WriteAtomically(target, derived);
        WriteAtomically(sidecar, System.Text.Encoding.UTF8.GetBytes(record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));
        Notice?.Invoke($"Derived the built-in backbone resnet18 from {files.Model} into {target} (SHA-256 {derivedSha}).");
        return (target, derivedSha);
    }

    private static (string DerivedSha256, int Revision)? ReadSidecar(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            string? sha = node?["sha256"]?.GetValue<string>();
            int revision = node?["revision"]?.GetValue<int>() ?? 0;
            return sha is { Length: 64 } ? (sha, revision) : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;   // a damaged record is treated like a missing one: the file is derived again
        }
    }

    private static void WriteAtomically(string target, byte[] bytes)
    {
        string tmp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.part");
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
