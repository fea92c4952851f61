namespace Inspecta.Geometry.Meshes;

/// <summary>Wavefront OBJ: "v x y z" and "f a/b/c …" (1-based, negative = relative); other records ignored.</summary>
internal static class ObjMeshReader
{
    public static TriangleMesh Read(string path)
    {
        var builder = new MeshBuilder();
        var poly = new List<int>();
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.AsSpan().Trim();
            if (line.StartsWith("v ") || line.StartsWith("v\t"))
            {
                var parts = line.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 4) throw InspectaUserException.ForFile(path, $"line {lineNo}: vertex needs x y z.");
                builder.AddVertex(MeshIO.ParseFloat(parts[1]), MeshIO.ParseFloat(parts[2]), MeshIO.ParseFloat(parts[3]));
            }
            else if (line.StartsWith("f ") || line.StartsWith("f\t"))
            {
                poly.Clear();
                foreach (var part in line.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Skip(1))
                {
                    int slash = part.IndexOf('/');
                    int index = MeshIO.ParseInt(slash >= 0 ? part[..slash] : part);
                    poly.Add(index > 0 ? index - 1 : builder.VertexCount + index);
                }
                if (poly.Count < 3) throw InspectaUserException.ForFile(path, $"line {lineNo}: face needs at least 3 vertices.");
                builder.AddPolygon(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(poly));
            }
        }
        return builder.Build(path);
    }
}
