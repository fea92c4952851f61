namespace Inspecta.Geometry.Meshes;

/// <summary>Accumulates vertices and triangles (fan-triangulating polygons) while a file is read.</summary>
internal sealed class MeshBuilder
{
    private readonly List<float> _vertices = [];
    private readonly List<int> _triangles = [];
    public int VertexCount => _vertices.Count / 3;

    public int AddVertex(float x, float y, float z)
    {
        _vertices.Add(x); _vertices.Add(y); _vertices.Add(z);
        return VertexCount - 1;
    }

    public void AddPolygon(ReadOnlySpan<int> indices)
    {
        for (int k = 1; k + 1 < indices.Length; k++)
        {
            if (indices[0] == indices[k] || indices[k] == indices[k + 1] || indices[0] == indices[k + 1]) continue; // degenerate
            _triangles.Add(indices[0]); _triangles.Add(indices[k]); _triangles.Add(indices[k + 1]);
        }
    }

    public TriangleMesh Build(string path)
    {
        int n = VertexCount;
        foreach (int t in _triangles)
            if ((uint)t >= (uint)n) throw InspectaUserException.ForFile(path, $"face refers to vertex {t}, but the file has {n} vertices.");
        if (_triangles.Count == 0) throw InspectaUserException.ForFile(path, "the mesh has no faces (a point cloud is not a mesh).");
        return new TriangleMesh(_vertices.ToArray(), _triangles.ToArray());
    }
}
