using System.Buffers.Binary;

namespace Inspecta.Geometry.Meshes;

/// <summary>STL, binary or ASCII. STL stores every triangle with its own corners, so identical corners are welded.</summary>
internal static class StlMeshReader
{
    public static TriangleMesh Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 84)
        {
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(80));
            if (84 + 50L * count == bytes.Length) return ReadBinary(bytes, (int)count, path);
        }
        string head = System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 512));
        if (head.TrimStart().StartsWith("solid", StringComparison.OrdinalIgnoreCase)) return ReadAscii(path);
        throw InspectaUserException.ForFile(path, "not an STL file (binary size does not match its triangle count, and it does not start with 'solid').");
    }

    private static TriangleMesh ReadBinary(byte[] bytes, int count, string path)
    {
        var welder = new Welder();
        Span<int> tri = stackalloc int[3];
        for (int t = 0; t < count; t++)
        {
            int offset = 84 + 50 * t + 12; // skip the facet normal
            for (int k = 0; k < 3; k++)
            {
                var s = bytes.AsSpan(offset + 12 * k);
                tri[k] = welder.Add(BinaryPrimitives.ReadSingleLittleEndian(s), BinaryPrimitives.ReadSingleLittleEndian(s[4..]), BinaryPrimitives.ReadSingleLittleEndian(s[8..]));
            }
            welder.Builder.AddPolygon(tri);
        }
        return welder.Builder.Build(path);
    }

    private static TriangleMesh ReadAscii(string path)
    {
        var welder = new Welder();
        var tokens = new TokenStream(File.ReadLines(path));
        Span<int> tri = stackalloc int[3];
        int corner = 0;
        for (string? tok = tokens.Next(); tok is not null; tok = tokens.Next())
        {
            if (!tok.Equals("vertex", StringComparison.OrdinalIgnoreCase)) continue;
            float x = MeshIO.ParseFloat(tokens.Next() ?? ""), y = MeshIO.ParseFloat(tokens.Next() ?? ""), z = MeshIO.ParseFloat(tokens.Next() ?? "");
            tri[corner++] = welder.Add(x, y, z);
            if (corner == 3) { welder.Builder.AddPolygon(tri); corner = 0; }
        }
        return welder.Builder.Build(path);
    }

    private sealed class Welder
    {
        private readonly Dictionary<(float, float, float), int> _index = new();
        public MeshBuilder Builder { get; } = new();

        public int Add(float x, float y, float z)
        {
            if (!_index.TryGetValue((x, y, z), out int i)) _index[(x, y, z)] = i = Builder.AddVertex(x, y, z);
            return i;
        }
    }
}
