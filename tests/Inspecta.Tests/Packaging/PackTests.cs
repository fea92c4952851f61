using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Packaging;

/// <summary>`dotnet pack` of a packable library works from the build the tests already have (no second build).</summary>
public class PackTests
{
    private const string Project = "Inspecta.Methods";

    [PackFact(Project)]
    public void Pack_WithoutBuilding_GivesANupkgWithTheAssemblyAndItsInspectaDependencies()
    {
        using var tmp = new TempDir();
        var psi = new ProcessStartInfo("dotnet", ["pack", PackFactAttribute.ProjectFile(Project)!, "--no-build", "-c", PackFactAttribute.Configuration, "-o", tmp.Path, "-nologo"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var pack = Process.Start(psi)!;
        string output = pack.StandardOutput.ReadToEnd() + pack.StandardError.ReadToEnd();
        Assert.True(pack.WaitForExit(TimeSpan.FromMinutes(2)), "dotnet pack did not finish in 2 minutes");
        Assert.True(pack.ExitCode == 0, output);

        string nupkg = Assert.Single(Directory.GetFiles(tmp.Path, $"{Project}.*.nupkg"));
        using var zip = ZipFile.OpenRead(nupkg);
        Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{Project}.dll");
        using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root!.Element(ns + "metadata")!;
        Assert.Equal(Project, metadata.Element(ns + "id")!.Value);
        string version = metadata.Element(ns + "version")!.Value;
        var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        // The other libraries of the product are package dependencies at the same version, not copied dlls.
        Assert.Equal(version, dependencies["Inspecta.Core"]);
        Assert.Equal(version, dependencies["Inspecta.Onnx"]);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith("Inspecta.Core.dll", StringComparison.Ordinal));
    }
}

/// <summary>Runs only where the repository and the project's build in this configuration are present (e.g. not from a copied test folder).</summary>
public sealed class PackFactAttribute : FactAttribute
{
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string? ProjectFile(string project)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Inspecta.sln")))
            {
                string file = Path.Combine(dir.FullName, "src", project, project + ".csproj");
                return File.Exists(file) ? file : null;
            }
        return null;
    }

    public PackFactAttribute(string project)
    {
        string? file = ProjectFile(project);
        if (file is null) Skip = $"needs the repository's src/{project}/{project}.csproj above the test folder; skipped.";
        else if (!File.Exists(Path.Combine(Path.GetDirectoryName(file)!, "bin", Configuration, "net10.0", project + ".dll")))
            Skip = $"needs {project} built in {Configuration} (`dotnet build -c {Configuration}`), which `dotnet pack --no-build` packs; skipped.";
    }
}
