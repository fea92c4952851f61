namespace Inspecta.Geometry.Meshes;

/// <summary>Object File Format (OFF, COFF, NOFF…): header, counts, vertices, then polygons "n i0 … in-1".</summary>
internal static class OffMeshReader
{
    public static TriangleMesh Read(string path)
    {
        var tokens = new TokenStream(File.ReadLines(path));
        string magic = tokens.Next() ?? throw InspectaUserException.ForFile(path, "empty file.");
        if (!magic.EndsWith("OFF", StringComparison.Ordinal)) throw InspectaUserException.ForFile(path, $"not an OFF file (starts with '{magic}').");
        int nv = MeshIO.ParseInt(Required(tokens, path)), nf = MeshIO.ParseInt(Required(tokens, path));
        Required(tokens, path); // edge count, unused
        var builder = new MeshBuilder();
        for (int i = 0; i < nv; i++)
        {
            builder.AddVertex(MeshIO.ParseFloat(Required(tokens, path)), MeshIO.ParseFloat(Required(tokens, path)), MeshIO.ParseFloat(Required(tokens, path)));
            // Extra per-vertex values (normals, colours) are on the same line; skip to the end of it.
            tokens.SkipRestOfLine();
        }
        Span<int> poly = stackalloc int[64];
        for (int f = 0; f < nf; f++)
        {
            int k = MeshIO.ParseInt(Required(tokens, path));
            if (k < 3 || k > poly.Length) throw InspectaUserException.ForFile(path, $"face {f} has {k} vertices (supported 3..{poly.Length}).");
            for (int j = 0; j < k; j++) poly[j] = MeshIO.ParseInt(Required(tokens, path));
            tokens.SkipRestOfLine(); // optional face colour
            builder.AddPolygon(poly[..k]);
        }
        return builder.Build(path);
    }

    private static string Required(TokenStream tokens, string path) =>
        tokens.Next() ?? throw InspectaUserException.ForFile(path, "file ends early (fewer vertices or faces than the header says).");
}
