using System.Diagnostics;

namespace Inspecta.Tests.Geometry.Meshes;

/// <summary>
/// Real CAD-like meshes shipped by the Debian package libcgal-demo (data.tar.gz). Extracted once per
/// test run into a temporary folder; tests skip with a message when the package is not installed.
/// </summary>
public static class CgalMeshes
{
    public const string Archive = "/usr/share/doc/libcgal-demo/data.tar.gz";
    public const string MissingMessage = "needs the Debian package libcgal-demo (apt-get install libcgal-demo); not installed, skipped.";

    /// <summary>A few meshes covering every reader path: OFF (plain and polygons), ASCII PLY, binary STL.</summary>
    public static readonly string[] Files =
    [
        "data/meshes/couplingdown.off", "data/meshes/anchor.off", "data/meshes/cube_quad.off",
        "data/meshes/sphere.ply", "data/meshes/sphere.stl", "data/meshes/pig.stl", "data/meshes/fandisk.off",
    ];

    private static readonly Lazy<string?> Extracted = new(Extract);

    public static bool Available => File.Exists(Archive);

    public static string Path(string name) =>
        System.IO.Path.Combine(Extracted.Value ?? throw new InvalidOperationException(MissingMessage), name);

    private static string? Extract()
    {
        if (!Available) return null;
        string dir = Directory.CreateTempSubdirectory("inspecta-cgal-").FullName;
        var psi = new ProcessStartInfo("tar", ["xzf", Archive, "-C", dir, .. Files]) { RedirectStandardError = true };
        using var tar = Process.Start(psi)!;
        string err = tar.StandardError.ReadToEnd();
        tar.WaitForExit();
        if (tar.ExitCode != 0) throw new InvalidOperationException($"tar failed: {err}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    }
}

/// <summary>A fact that needs libcgal-demo's meshes; skipped with a clear message when absent.</summary>
public sealed class CgalFactAttribute : FactAttribute
{
    public CgalFactAttribute() { if (!CgalMeshes.Available) Skip = CgalMeshes.MissingMessage; }
}
