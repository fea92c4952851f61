using System.Text.Json.Nodes;
using Inspecta.Persistence;

namespace Inspecta.Features;

/// <summary>
/// <c>inspecta export --bundle</c>: a copy of a model file that carries its backbone, so it predicts on a machine with
/// no model cache, no package restore and no network. The backbone is found exactly as loading would find it (by hash).
/// </summary>
public static class ModelBundle
{
    public sealed record Result(string Path, string Backbone, string Sha256, long Bytes, bool HadBackbone);

    public static Result Write(string modelPath, string outPath, ModelLoadOptions? options = null)
    {
        var reader = ModelReader.Open(modelPath, options ?? ModelLoadOptions.Default);
        var writer = ModelWriter.CopyOf(reader);
        if (reader.Parameters["backbone"] is not JsonObject b)
        {
            // Backbone-free methods are already self-sufficient: the copy is the same model.
            writer.WriteTo(outPath);
            return new Result(Path.GetFullPath(outPath), "", "", new FileInfo(outPath).Length, false);
        }
        string name = b["name"]?.GetValue<string>() ?? throw reader.Error("the backbone has no 'name'.");
        string sha = b["sha256"]?.GetValue<string>() ?? throw reader.Error("the backbone has no 'sha256'.");
        if (reader.Manifest["bundle"] is JsonObject)
        {
            writer.WriteTo(outPath);   // already bundled (its hash is checked on load)
            return new Result(Path.GetFullPath(outPath), name, sha, new FileInfo(outPath).Length, true);
        }
        var (path, _) = BackboneLocator.Locate(name, b["path"]?.GetValue<string>(), sha, reader);
        var bytes = File.ReadAllBytes(path);
        writer.AddEntry(BackboneLocator.BundleEntry, bytes);
        writer.Manifest["bundle"] = new JsonObject { ["backbone"] = BackboneLocator.BundleEntry, ["sha256"] = sha.ToLowerInvariant(), ["bytes"] = bytes.LongLength };
        writer.WriteTo(outPath);
        return new Result(Path.GetFullPath(outPath), name, sha, new FileInfo(outPath).Length, true);
    }
}
