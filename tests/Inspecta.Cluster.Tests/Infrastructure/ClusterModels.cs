using Inspecta.Tests.Infrastructure;

namespace Inspecta.Cluster.Tests.Infrastructure;

/// <summary>
/// Small models fitted once for all cluster tests through the real CLI, on a synthetic 64 px "tiles" category:
/// <c>variation</c> (no backbone) twice with different seeds' data (two versions of one model), and <c>patchcore</c> on
/// the built-in resnet18 (slow enough per image that a silo can be killed in the middle of a batch eval).
/// </summary>
public sealed class ClusterModels : IDisposable
{
    private readonly TempDir _dir = new();

    public ClusterModels()
    {
        Run("synth", "2d", "--out", _dir["data"], "--categories", "tiles", "--count", "8", "--test-count", "4", "--size", "64", "--quiet");
        Run("synth", "2d", "--out", _dir["other"], "--categories", "tiles", "--count", "8", "--test-count", "1", "--size", "64", "--seed", "7", "--quiet");
        Run("fit", "--dataset", _dir["data"], "--category", "tiles", "--method", "variation", "--out", Variation, "--quiet");
        Run("fit", "--dataset", _dir["other"], "--category", "tiles", "--method", "variation", "--out", VariationOther, "--quiet");
        Run("fit", "--dataset", _dir["data"], "--category", "tiles", "--method", "patchcore", "--image-size", "64", "--out", PatchCore, "--quiet");
    }

    public string Dataset => _dir["data"];
    public string Variation => _dir["variation.inspecta"];
    /// <summary>Another version of the "tiles" model (fitted on other images).</summary>
    public string VariationOther => _dir["variation-other.inspecta"];
    public string PatchCore => _dir["patchcore.inspecta"];
    public string Image(string defect, int index = 0) => Path.Combine(_dir["data"], "tiles", "test", defect, $"{index:000}.png");
    public string Scratch(string name) => _dir[name];

    /// <summary>A models folder holding copies of the given files under the given names.</summary>
    public string Folder(params (string Name, string File)[] models)
    {
        string folder = _dir[$"models-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(folder);
        foreach (var (name, file) in models) File.Copy(file, Path.Combine(folder, name + ".inspecta"));
        return folder;
    }

    public static CliRunner.Result Run(params string[] args)
    {
        var r = CliRunner.Run(args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"inspecta {string.Join(' ', args)} failed ({r.ExitCode}): {r.Stderr}{r.Stdout}");
        return r;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The cluster tests run one at a time: each starts several node processes on two cores.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterModels>
{
    public const string Name = "cluster";
}
