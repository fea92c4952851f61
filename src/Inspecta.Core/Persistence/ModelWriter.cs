using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Persistence;

/// <summary>
/// Collects a fitted model's manifest and raw arrays, then writes them as one zip file atomically
/// (temp file in the target folder, then rename), so a crash never leaves a half-written model.
/// </summary>
public sealed class ModelWriter
{
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    /// <summary>The whole manifest; detectors write their hyper-parameters under <see cref="Parameters"/>.</summary>
    public JsonObject Manifest { get; } = new();

    /// <summary>Method hyper-parameters and preprocessing (manifest key "parameters").</summary>
    public JsonObject Parameters => (JsonObject)Manifest["parameters"]!;

    public ModelWriter(string method)
    {
        Manifest["format_version"] = $"{ModelFormat.Major}.{ModelFormat.Minor}";
        Manifest["inspecta_version"] = ModelFormat.InspectaVersion;
        Manifest["method"] = method;
        Manifest["created_utc"] = DateTime.UtcNow.ToString("o");
        Manifest["parameters"] = new JsonObject();
        Manifest["arrays"] = new JsonObject();
    }

    /// <summary>A writer holding a copy of a loaded model's manifest and entries (for re-packaging, e.g. bundling).</summary>
    public static ModelWriter CopyOf(ModelReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var writer = new ModelWriter(reader.Method);
        writer.Manifest.Clear();
        foreach (var (key, value) in reader.Manifest) writer.Manifest[key] = value?.DeepClone();
        foreach (var (name, bytes) in reader.Entries) writer._entries[name] = bytes;
        return writer;
    }

    /// <summary>Adds a raw file entry (not an array), e.g. a bundled backbone.</summary>
    public void AddEntry(string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (name == ModelFormat.ManifestEntry || !_entries.TryAdd(name, bytes)) throw new ArgumentException($"Entry '{name}' already exists.");
    }

    public void AddArray(string name, ReadOnlySpan<float> data, params int[] shape) =>
        AddRaw(name, "float32", MemoryMarshal.AsBytes(data), data.Length, shape);

    public void AddArray(string name, ReadOnlySpan<double> data, params int[] shape) =>
        AddRaw(name, "float64", MemoryMarshal.AsBytes(data), data.Length, shape);

    public void AddArray(string name, ReadOnlySpan<int> data, params int[] shape) =>
        AddRaw(name, "int32", MemoryMarshal.AsBytes(data), data.Length, shape);

    public void AddArray(string name, ReadOnlySpan<byte> data, params int[] shape) =>
        AddRaw(name, "uint8", data, data.Length, shape);

    private void AddRaw(string name, string dtype, ReadOnlySpan<byte> bytes, int count, int[] shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Model files are little-endian.");
        if (shape.Length == 0) shape = [count];
        long product = 1;
        foreach (int s in shape) product *= s;
        if (product != count) throw new ArgumentException($"Array '{name}': shape [{string.Join(',', shape)}] does not match {count} elements.");
        string entry = name + ".bin";
        if (!_entries.TryAdd(entry, bytes.ToArray())) throw new ArgumentException($"Array '{name}' was added twice.");
        ((JsonObject)Manifest["arrays"]!)[name] = new JsonObject
        {
            ["dtype"] = dtype,
            ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
            ["entry"] = entry,
        };
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: into a hidden temp file beside it (<see cref="TempFiles"/>),
    /// then renamed over the target. A cancelled or failed write removes its temp file and leaves the target as it was;
    /// temp files left by processes that died mid-write (kill -9, power loss) are swept first.
    /// </summary>
    public void WriteTo(string path, CancellationToken ct = default)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new InspectaUserException($"{path}: the output folder '{dir}' does not exist.");
        TempFiles.SweepStale(dir);
        string tmp = TempFiles.Register(Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
            {
                ct.ThrowIfCancellationRequested();
                var manifest = zip.CreateEntry(ModelFormat.ManifestEntry, CompressionLevel.Optimal);
                using (var s = manifest.Open())
                    JsonSerializer.Serialize(s, Manifest, new JsonSerializerOptions { WriteIndented = true });
                foreach (var (name, bytes) in _entries)
                {
                    // Float arrays barely compress; storing them keeps save/load fast.
                    var e = zip.CreateEntry(name, CompressionLevel.NoCompression);
                    using var s = e.Open();
                    // In slices, so that Ctrl-C during a 100 MB memory bank stops within milliseconds.
                    for (int offset = 0; offset < bytes.Length; offset += WriteSlice)
                    {
                        ct.ThrowIfCancellationRequested();
                        s.Write(bytes, offset, Math.Min(WriteSlice, bytes.Length - offset));
                    }
                }
            }
            ct.ThrowIfCancellationRequested();
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            TempFiles.Remove(tmp);
        }
    }

    private const int WriteSlice = 8 << 20;
}
