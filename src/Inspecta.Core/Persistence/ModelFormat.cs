namespace Inspecta.Persistence;

/// <summary>Version of the <c>.inspecta</c> container. Bump <see cref="Major"/> on incompatible changes:
/// readers reject a newer major version instead of mis-reading it.</summary>
public static class ModelFormat
{
    public const int Major = 1;
    public const int Minor = 0;
    public const string ManifestEntry = "manifest.json";
    public const string Extension = ".inspecta";

    public static string InspectaVersion =>
        typeof(ModelFormat).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
