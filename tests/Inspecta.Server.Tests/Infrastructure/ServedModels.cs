using Inspecta.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Infrastructure;

/// <summary>
/// Two small models fitted once for all server tests, through the real CLI: <c>variation</c> (no backbone, 0.1 s) and
/// <c>patchcore</c> on the built-in resnet18 at 64 px (batched predict) on a synthetic 64 px "tiles" category.
/// </summary>
public sealed class ServedModels : IDisposable
{
    private readonly TempDir _dir = new();

    public ServedModels()
    {
        _btf = new Lazy<string>(() =>
        {
            Run("synth", "3d", "--style", "mvtec3d", "--out", _dir["data3d"], "--classes", "disc", "--count", "6", "--test-count", "1", "--size", "48", "--quiet");
            Run("fit", "--dataset", _dir["data3d"], "--category", "disc", "--method", "btf-raw", "--image-size", "48", "--out", _dir["btf.inspecta"], "--quiet");
            return _dir["btf.inspecta"];
        });
        Run("synth", "2d", "--out", _dir["data"], "--categories", "tiles", "--count", "8", "--test-count", "2", "--size", "64", "--quiet");
        Run("fit", "--dataset", _dir["data"], "--category", "tiles", "--method", "variation", "--out", Variation, "--quiet");
        Run("fit", "--dataset", _dir["data"], "--category", "tiles", "--method", "patchcore", "--image-size", "64", "--out", PatchCore, "--quiet");
    }

    private readonly Lazy<string> _btf;

    /// <summary>A btf-raw model (organised xyz scans) on a synthetic MVTec 3D-AD-style class at 48 px, fitted on first use.</summary>
    public string Btf => _btf.Value;
    /// <summary>An xyz TIFF of the 3D test set (a defect scan).</summary>
    public string Scan
    {
        get
        {
            _ = Btf;   // the 3D data is written with the model
            return Directory.GetFiles(Path.Combine(_dir["data3d"], "disc", "test"), "*.tiff", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.Combine("test", "good"), StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();
        }
    }

    public string Variation => _dir["variation.inspecta"];
    public string PatchCore => _dir["patchcore.inspecta"];
    public string TestFolder => Path.Combine(_dir["data"], "tiles", "test");
    public string Image(string defect, int index = 0) => Path.Combine(TestFolder, defect, $"{index:000}.png");
    public string Scratch(string name) => _dir[name];

    /// <summary>A models folder holding copies of the given model files under the given names.</summary>
    public string Folder(params (string Name, string File)[] models)
    {
        string folder = _dir[$"models-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(folder);
        foreach (var (name, file) in models) File.Copy(file, Path.Combine(folder, name + ".inspecta"));
        return folder;
    }

    private static void Run(params string[] args)
    {
        var r = CliRunner.Run(args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"inspecta {string.Join(' ', args)} failed ({r.ExitCode}): {r.Stderr}{r.Stdout}");
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServedModels>
{
    public const string Name = "server";
}
