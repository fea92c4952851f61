using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Server.Inference;

namespace Inspecta.Cluster.Hosting;

/// <summary>
/// The node's <c>--models</c> folder as the cluster sees it: every <c>*.inspecta</c> file with its SHA-256, read once at
/// start. Nodes compare these hashes when one joins (a different version of a model is refused), and a model grain loads
/// only a file that is still the version the node started with.
/// </summary>
public sealed class ModelFiles
{
    private readonly Dictionary<string, ModelFile> _files;

    private ModelFiles(string directory, Dictionary<string, ModelFile> files)
    {
        Directory = directory;
        _files = files;
    }

    public string Directory { get; }
    public IReadOnlyCollection<ModelFile> All => [.. _files.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];

    public ModelFile? Find(string name) => _files.GetValueOrDefault(name);

    public static ModelFiles Read(string directory)
    {
        string full = Path.GetFullPath(directory);
        var files = new Dictionary<string, ModelFile>(StringComparer.Ordinal);
        foreach (string path in System.IO.Directory.GetFiles(full, "*" + ModelCatalog.Extension).Order(StringComparer.Ordinal))
        {
            try
            {
                string hash = FileHash.Sha256Of(path);
                files[Path.GetFileNameWithoutExtension(path)] = new ModelFile(Path.GetFileNameWithoutExtension(path), path, hash, FileStamp.Of(path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw InspectaUserException.ForFile(path, $"cannot read the model file ({e.Message}).", e);
            }
        }
        return new ModelFiles(full, files);
    }

    /// <summary>name → sha256, as stored in <c>inspecta_nodes.model_files</c>.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var f in All) o[f.Name] = f.Sha256;
        return o;
    }
}

/// <summary>One model file of the folder, the version the node started with.</summary>
public sealed record ModelFile(string Name, string Path, string Sha256, FileStamp Stamp);
