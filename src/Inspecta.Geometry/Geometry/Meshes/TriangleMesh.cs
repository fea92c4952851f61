namespace Inspecta.Geometry.Meshes;

/// <summary>
/// An indexed triangle mesh: vertex positions as float32 triples and triangles as index triples.
/// Polygons read from files are fan-triangulated; duplicate STL vertices are welded on read.
/// </summary>
public sealed class TriangleMesh
{
    public float[] Vertices { get; }
    public int[] Triangles { get; }
    public int VertexCount => Vertices.Length / 3;
    public int TriangleCount => Triangles.Length / 3;

    public TriangleMesh(float[] vertices, int[] triangles)
    {
        if (vertices.Length % 3 != 0) throw new ArgumentException($"Vertex array length {vertices.Length} is not a multiple of 3.", nameof(vertices));
        if (triangles.Length % 3 != 0) throw new ArgumentException($"Triangle array length {triangles.Length} is not a multiple of 3.", nameof(triangles));
        int n = vertices.Length / 3;
        foreach (int t in triangles)
            if ((uint)t >= (uint)n) throw new ArgumentException($"Triangle index {t} is outside 0..{n - 1}.", nameof(triangles));
        Vertices = vertices; Triangles = triangles;
    }

    public Vec3 Vertex(int i) => new(Vertices[3 * i], Vertices[3 * i + 1], Vertices[3 * i + 2]);

    public double TriangleArea(int t)
    {
        var (a, b, c) = (Vertex(Triangles[3 * t]), Vertex(Triangles[3 * t + 1]), Vertex(Triangles[3 * t + 2]));
        return 0.5 * Vec3.Cross(b - a, c - a).Length;
    }

    public double SurfaceArea()
    {
        double sum = 0;
        for (int t = 0; t < TriangleCount; t++) sum += TriangleArea(t);
        return sum;
    }

    public (Vec3 Min, Vec3 Max) Bounds()
    {
        if (VertexCount == 0) return (default, default);
        var min = new Vec3(float.MaxValue, float.MaxValue, float.MaxValue);
        var max = new Vec3(float.MinValue, float.MinValue, float.MinValue);
        for (int i = 0; i < VertexCount; i++) { var v = Vertex(i); min = Vec3.Min(min, v); max = Vec3.Max(max, v); }
        return (min, max);
    }

    /// <summary>Area-weighted vertex normals (unit length; zero for isolated vertices).</summary>
    public float[] VertexNormals()
    {
        var normals = new float[Vertices.Length];
        for (int t = 0; t < TriangleCount; t++)
        {
            int i0 = Triangles[3 * t], i1 = Triangles[3 * t + 1], i2 = Triangles[3 * t + 2];
            var n = Vec3.Cross(Vertex(i1) - Vertex(i0), Vertex(i2) - Vertex(i0)); // length = 2·area: area weighting
            foreach (int i in (ReadOnlySpan<int>)[i0, i1, i2]) { normals[3 * i] += n.X; normals[3 * i + 1] += n.Y; normals[3 * i + 2] += n.Z; }
        }
        for (int i = 0; i < VertexCount; i++)
        {
            float len = MathF.Sqrt(normals[3 * i] * normals[3 * i] + normals[3 * i + 1] * normals[3 * i + 1] + normals[3 * i + 2] * normals[3 * i + 2]);
            if (len > 0) { normals[3 * i] /= len; normals[3 * i + 1] /= len; normals[3 * i + 2] /= len; }
        }
        return normals;
    }

    /// <summary>True when every edge is shared by exactly two triangles (a closed 2-manifold surface).</summary>
    public bool IsWatertight()
    {
        var count = new Dictionary<long, int>();
        for (int t = 0; t < TriangleCount; t++)
            for (int e = 0; e < 3; e++)
            {
                long key = EdgeKey(Triangles[3 * t + e], Triangles[3 * t + (e + 1) % 3]);
                count[key] = count.GetValueOrDefault(key) + 1;
            }
        return count.Count > 0 && count.Values.All(c => c == 2);
    }

    internal static long EdgeKey(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;

    public TriangleMesh Clone() => new((float[])Vertices.Clone(), (int[])Triangles.Clone());

    public override string ToString() => $"TriangleMesh({VertexCount} vertices, {TriangleCount} triangles)";
}
