using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Persistence;

/// <summary>Reads a <c>.inspecta</c> file written by <see cref="ModelWriter"/>; all errors name the file.</summary>
public sealed class ModelReader
{
    private readonly Dictionary<string, byte[]> _entries;

    public string Path { get; }
    public JsonObject Manifest { get; }
    public JsonObject Parameters => Manifest["parameters"] as JsonObject ?? throw Error("the manifest has no 'parameters' object.");
    public string Method => Manifest["method"]?.GetValue<string>() ?? throw Error("the manifest has no 'method'.");

    /// <summary>What the caller supplies beyond the file (e.g. <c>--backbone</c> on another machine).</summary>
    public ModelLoadOptions LoadOptions { get; init; } = ModelLoadOptions.Default;

    private ModelReader(string path, JsonObject manifest, Dictionary<string, byte[]> entries)
    {
        Path = path; Manifest = manifest; _entries = entries;
    }

    public static ModelReader Open(string path) => Open(path, ModelLoadOptions.Default);

    public static ModelReader Open(string path, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "model file not found.");
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifestEntry = zip.GetEntry(ModelFormat.ManifestEntry)
                ?? throw InspectaUserException.ForFile(path, $"not an Inspecta model (no {ModelFormat.ManifestEntry}).");
            JsonObject manifest;
            using (var s = manifestEntry.Open())
                manifest = JsonNode.Parse(s) as JsonObject ?? throw InspectaUserException.ForFile(path, "the manifest is not a JSON object.");
            CheckVersion(path, manifest);
            var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var e in zip.Entries)
            {
                if (e.FullName == ModelFormat.ManifestEntry) continue;
                using var s = e.Open();
                var buf = new byte[e.Length];
                s.ReadExactly(buf);
                entries[e.FullName] = buf;
            }
            return new ModelReader(path, manifest, entries) { LoadOptions = options };
        }
        catch (InvalidDataException ex) { throw InspectaUserException.ForFile(path, $"not a valid model file ({ex.Message}).", ex); }
        catch (JsonException ex) { throw InspectaUserException.ForFile(path, $"the manifest is not valid JSON ({ex.Message}).", ex); }
        catch (EndOfStreamException ex) { throw InspectaUserException.ForFile(path, "the model file is truncated.", ex); }
    }

    private static void CheckVersion(string path, JsonObject manifest)
    {
        string? v = manifest["format_version"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (v is null || !int.TryParse(v.Split('.')[0], out int major))
            throw InspectaUserException.ForFile(path, "the manifest has no valid 'format_version'.");
        if (major > ModelFormat.Major)
            throw InspectaUserException.ForFile(path, $"model format {v} is newer than this Inspecta supports ({ModelFormat.Major}.x); upgrade Inspecta.");
    }

    /// <summary>A raw entry of the file (e.g. a bundled backbone), or null when absent.</summary>
    public byte[]? Entry(string name) => _entries.GetValueOrDefault(name);

    /// <summary>Every raw entry except the manifest, for copying a model into a new file.</summary>
    public IReadOnlyDictionary<string, byte[]> Entries => _entries;

    public bool HasArray(string name) => (Manifest["arrays"] as JsonObject)?.ContainsKey(name) == true;

    // Fitted arrays are finite by construction: NaN or infinity means a damaged or edited file, and would
    // otherwise surface as NaN scores or an internal error far from the cause.
    public float[] ReadFloats(string name, out int[] shape) => RequireFinite(name, Read<float>(name, "float32", out shape));
    public float[] ReadFloats(string name) => RequireFinite(name, Read<float>(name, "float32", out _));
    public double[] ReadDoubles(string name) => RequireFinite(name, Read<double>(name, "float64", out _));
    public double[] ReadDoubles(string name, out int[] shape) => RequireFinite(name, Read<double>(name, "float64", out shape));
    /// <summary>For the rare array where NaN is meaningful (e.g. pixels without a measured point).</summary>
    public float[] ReadFloatsAllowingNaN(string name) => Read<float>(name, "float32", out _);
    public int[] ReadInts(string name) => Read<int>(name, "int32", out _);
    public byte[] ReadBytes(string name) => Read<byte>(name, "uint8", out _);

    private T[] Read<T>(string name, string dtype, out int[] shape) where T : unmanaged
    {
        var info = (Manifest["arrays"] as JsonObject)?[name] as JsonObject
            ?? throw Error($"array '{name}' is missing.");
        string actual = info["dtype"]?.GetValue<string>() ?? "?";
        if (actual != dtype) throw Error($"array '{name}' has dtype {actual}, expected {dtype}.");
        shape = info["shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        string entry = info["entry"]!.GetValue<string>();
        if (!_entries.TryGetValue(entry, out var bytes)) throw Error($"array entry '{entry}' is missing.");
        long count = 1;
        foreach (int s in shape) count *= s;
        if (bytes.Length != count * Marshal.SizeOf<T>()) throw Error($"array '{name}' has {bytes.Length} bytes, expected {count * Marshal.SizeOf<T>()} (file truncated or corrupt).");
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private T[] RequireFinite<T>(string name, T[] values) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>, System.Numerics.IMinMaxValue<T>
    {
        int bad = values.AsSpan().IndexOfAnyExceptInRange(T.MinValue, T.MaxValue); // NaN and ±Inf lie outside
        return bad < 0 ? values : throw Error($"array '{name}' holds a non-finite value at index {bad} (the file is damaged or was edited).");
    }

    // Typed manifest parameters: a missing or mistyped key is a user error naming the file and the key.
    public int Int(string key) => Value<int>(key, "a whole number");
    public double Double(string key) => Value<double>(key, "a number");
    public float Float(string key) => Value<float>(key, "a number");
    public bool Bool(string key) => Value<bool>(key, "true or false");
    public string String(string key) => Value<string>(key, "a string");
    public int[] Ints(string key) => (Parameters[key] ?? throw Error($"parameter '{key}' is missing.")) is JsonArray a
        ? a.Select(n => n is JsonValue v && v.TryGetValue(out int x) ? x : throw Error($"parameter '{key}' must hold whole numbers.")).ToArray()
        : throw Error($"parameter '{key}' must be an array.");

    private T Value<T>(string key, string kind)
    {
        var node = Parameters[key] ?? throw Error($"parameter '{key}' is missing.");
        return node is JsonValue v && v.TryGetValue(out T? value) && value is not null ? value
            : throw Error($"parameter '{key}' is {node.ToJsonString()}; {kind} is expected.");
    }

    public InspectaUserException Error(string problem) => InspectaUserException.ForFile(Path, problem);
}
