using System.Text.Json.Nodes;
using Inspecta.Features;
using Inspecta.Persistence;
using Inspecta.Torch.Nn;

namespace Inspecta.Torch.Methods.Distillation;

/// <summary>
/// Which backbone file a teacher was imported from: name, path and SHA-256, recorded under <c>parameters.backbone</c> as
/// every backbone method records it, so a model finds its teacher the same way (<see cref="BackboneLocator"/>: the
/// recorded path, the cache, the built-in derivation, <c>--backbone</c> at predict, or a bundle from <c>export --bundle</c>).
/// The teacher's weights are not copied into the model file; they are the backbone's.
/// </summary>
public sealed record TeacherBackbone(string Name, string Path, string Sha256)
{
    /// <summary>Resolves <c>--backbone</c> at fit time (a path, a cached file or a preset; the built-in one is derived when needed).</summary>
    public static TeacherBackbone Resolve(string backbone)
    {
        var (path, name) = ModelCache.Resolve(backbone);
        return new TeacherBackbone(name, path, ModelCache.Sha256Of(path));
    }

    public ResNet18 Import() => ResNet18Import.Load(Path);

    public void WriteTo(JsonObject parameters) =>
        parameters["backbone"] = new JsonObject { ["name"] = Name, ["path"] = Path, ["sha256"] = Sha256 };

    /// <summary>The recorded teacher, located by its SHA-256.</summary>
    public static TeacherBackbone Read(ModelReader reader)
    {
        var b = reader.Parameters["backbone"] as JsonObject ?? throw reader.Error("the manifest has no 'backbone' (the teacher).");
        string name = b["name"]?.GetValue<string>() ?? throw reader.Error("the backbone has no 'name'.");
        string? path = b["path"]?.GetValue<string>();
        string sha = b["sha256"]?.GetValue<string>() ?? throw reader.Error("the backbone has no 'sha256'.");
        var (found, foundName) = BackboneLocator.Locate(name, path, sha, reader);
        return new TeacherBackbone(foundName, found, sha.ToLowerInvariant());
    }
}
