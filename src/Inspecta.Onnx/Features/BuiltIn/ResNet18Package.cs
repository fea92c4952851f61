using System.Reflection;

namespace Inspecta.Features;

/// <summary>
/// The NuGet package that ships the ImageNet ResNet-18 the built-in <c>resnet18</c> backbone is derived from
/// (MIT, a CNTK export). The build downloads it without referencing it and copies its ONNX files beside the
/// binaries; this finds them there, else in the NuGet packages folder. Nothing is ever downloaded at run time.
/// </summary>
public static class ResNet18Package
{
    /// <summary>Package id and version, as pinned in Directory.Packages.props (carried into the assembly by the build).</summary>
    public static string Id { get; } = Metadata("ResNet18PackageId");
    public static string Version { get; } = Metadata("ResNet18PackageVersion");

    public const string ModelRelativePath = "DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessRelativePath = "DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The package's two ONNX files: the network and the preprocessing graph that shows its expected input.</summary>
    public sealed record Files(string Model, string Preprocess);

    /// <summary>Where the files are looked for, in order: beside the binaries, then the package in the NuGet packages folder.</summary>
    public static IReadOnlyList<string> DefaultSearchRoots()
    {
        string? nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(nuget))
            nuget = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return [AppContext.BaseDirectory, PackageToolsFolder(nuget)];
    }

    /// <summary>The package's <c>tools</c> folder inside a NuGet packages folder (ids are lower-cased there).</summary>
    public static string PackageToolsFolder(string nugetPackagesFolder) =>
        Path.Combine(nugetPackagesFolder, Id.ToLowerInvariant(), Version, "tools");

    /// <summary>The first root holding both files; a user error naming the package and how to get it otherwise.</summary>
    public static Files Locate(IReadOnlyList<string>? searchRoots = null)
    {
        var roots = searchRoots ?? DefaultSearchRoots();
        foreach (string root in roots)
        {
            string model = Path.Combine(root, ModelRelativePath), pre = Path.Combine(root, PreprocessRelativePath);
            if (File.Exists(model) && File.Exists(pre)) return new Files(Path.GetFullPath(model), Path.GetFullPath(pre));
        }
        throw new InspectaUserException(
            $"The built-in backbone 'resnet18' is derived from the NuGet package {Id} {Version}, which is not on this machine " +
            $"(looked for {ModelRelativePath} in: {string.Join("; ", roots)}). " +
            $"Run `dotnet restore` (or `dotnet build`) of Inspecta on a machine that can reach NuGet, or copy that package into the NuGet " +
            "packages folder (NUGET_PACKAGES or ~/.nuget/packages); or pass --backbone <path-to.onnx> to use another backbone.");
    }

    private static string Metadata(string key) =>
        typeof(ResNet18Package).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The build did not record {key}; see src/Inspecta.Onnx/Inspecta.Onnx.csproj.");
}
