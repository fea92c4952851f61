namespace Inspecta.Tests.Infrastructure;

/// <summary>
/// Locates <c>../shared</c> (real data, backbones, golden metric vectors) beside the repository, or
/// the folder named by INSPECTA_SHARED. Tests that need it use <see cref="SharedFactAttribute"/> and
/// are skipped with a message when it is absent.
/// </summary>
public static class SharedData
{
    public static string? Root { get; } = Locate();

    public static bool Available => Root is not null;

    public static string MissingMessage =>
        "needs ../shared (real data, models, golden vectors) beside the repo or INSPECTA_SHARED; not found, skipped.";

    /// <summary>Path inside shared/, or null when shared/ or that entry is absent.</summary>
    public static string? TryPath(params string[] parts)
    {
        if (Root is null) return null;
        string p = Path.Combine([Root, .. parts]);
        return File.Exists(p) || Directory.Exists(p) ? p : null;
    }

    public static string Path_(params string[] parts) =>
        TryPath(parts) ?? throw new InvalidOperationException($"shared entry {string.Join('/', parts)} is missing: {MissingMessage}");

    public static string BottleDir => Path_("data", "mvtec_ad", "bottle");
    public static string GoldenDir => Path_("golden", "metrics");
    public static string ModelsDir => Path_("models");

    private static string? Locate()
    {
        string? env = Environment.GetEnvironmentVariable("INSPECTA_SHARED");
        if (!string.IsNullOrEmpty(env)) return Directory.Exists(env) ? Path.GetFullPath(env) : null;
        // Walk up from the test binary to the repository root (the folder holding Inspecta.sln).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Inspecta.sln")))
            {
                string shared = Path.Combine(dir.FullName, "..", "shared");
                return Directory.Exists(shared) ? Path.GetFullPath(shared) : null;
            }
        }
        return null;
    }
}

/// <summary>A fact that needs ../shared; skipped with a clear message when it is absent.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute(params string[] requiredEntry)
    {
        if (!SharedData.Available) Skip = SharedData.MissingMessage;
        else if (requiredEntry.Length > 0 && SharedData.TryPath(requiredEntry) is null)
            Skip = $"needs shared/{string.Join('/', requiredEntry)}, which is absent; skipped.";
    }
}

/// <summary>A theory that needs ../shared; skipped with a clear message when it is absent.</summary>
public sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute(params string[] requiredEntry)
    {
        if (!SharedData.Available) Skip = SharedData.MissingMessage;
        else if (requiredEntry.Length > 0 && SharedData.TryPath(requiredEntry) is null)
            Skip = $"needs shared/{string.Join('/', requiredEntry)}, which is absent; skipped.";
    }
}
