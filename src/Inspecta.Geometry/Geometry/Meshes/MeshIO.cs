namespace Inspecta.Geometry.Meshes;

/// <summary>Reads triangle meshes by file extension: OFF, PLY (ASCII and binary), OBJ, STL (ASCII and binary).</summary>
public static class MeshIO
{
    public static IReadOnlyList<string> Extensions { get; } = [".off", ".ply", ".obj", ".stl"];

    public static bool IsMeshFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public static TriangleMesh Read(string path)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "file not found.");
        try
        {
            return Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".off" => OffMeshReader.Read(path),
                ".ply" => PlyMeshReader.Read(path),
                ".obj" => ObjMeshReader.Read(path),
                ".stl" => StlMeshReader.Read(path),
                var ext => throw InspectaUserException.ForFile(path, $"unknown mesh format '{ext}' (supported: {string.Join(", ", Extensions)})."),
            };
        }
        catch (InspectaUserException) { throw; }
        catch (Exception ex) when (ex is FormatException or OverflowException or EndOfStreamException or IndexOutOfRangeException or ArgumentException)
        {
            throw InspectaUserException.ForFile(path, $"malformed mesh ({ex.Message}).", ex);
        }
    }

    internal static float ParseFloat(string s) => float.Parse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
    internal static int ParseInt(string s) => int.Parse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture);
}
