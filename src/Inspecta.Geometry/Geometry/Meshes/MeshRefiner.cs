namespace Inspecta.Geometry.Meshes;

/// <summary>
/// Splits long edges until none is longer than a target length, so that carved defects and surface
/// sampling see an even, fine triangulation. Each pass splits every marked edge at its midpoint in both
/// adjacent triangles (the midpoint is shared), which keeps a closed mesh closed.
/// </summary>
public static class MeshRefiner
{
    public static TriangleMesh Refine(TriangleMesh mesh, float maxEdge, int maxTriangles = 600_000)
    {
        if (maxEdge <= 0) throw new ArgumentOutOfRangeException(nameof(maxEdge), "Target edge length must be positive.");
        var verts = new List<float>(mesh.Vertices);
        var tris = new List<int>(mesh.Triangles);
        float limit2 = maxEdge * maxEdge;
        for (int pass = 0; pass < 40; pass++)
        {
            var midpoints = new Dictionary<long, int>();
            int count = tris.Count / 3;
            for (int t = 0; t < count; t++)
                for (int e = 0; e < 3; e++)
                {
                    int a = tris[3 * t + e], b = tris[3 * t + (e + 1) % 3];
                    if (Length2(verts, a, b) > limit2) midpoints.TryAdd(TriangleMesh.EdgeKey(a, b), -1);
                }
            if (midpoints.Count == 0) break;
            if (tris.Count / 3 + 3L * midpoints.Count > maxTriangles) break; // budget reached: stay conforming, stop refining
            foreach (long key in midpoints.Keys.ToList())
            {
                int a = (int)(key >> 32), b = (int)(key & 0xFFFFFFFF);
                midpoints[key] = verts.Count / 3;
                for (int k = 0; k < 3; k++) verts.Add(0.5f * (verts[3 * a + k] + verts[3 * b + k]));
            }
            var next = new List<int>(tris.Count * 2);
            for (int t = 0; t < count; t++)
            {
                int v0 = tris[3 * t], v1 = tris[3 * t + 1], v2 = tris[3 * t + 2];
                Split(next, verts, v0, v1, v2,
                    midpoints.GetValueOrDefault(TriangleMesh.EdgeKey(v0, v1), -1),
                    midpoints.GetValueOrDefault(TriangleMesh.EdgeKey(v1, v2), -1),
                    midpoints.GetValueOrDefault(TriangleMesh.EdgeKey(v2, v0), -1));
            }
            tris = next;
        }
        return new TriangleMesh(verts.ToArray(), tris.ToArray());
    }

    /// <summary>Splits triangle (v0,v1,v2) given the midpoints of edges 01, 12, 20 (-1 = not split), keeping orientation.</summary>
    private static void Split(List<int> o, List<float> verts, int v0, int v1, int v2, int m01, int m12, int m20)
    {
        int splits = (m01 >= 0 ? 1 : 0) + (m12 >= 0 ? 1 : 0) + (m20 >= 0 ? 1 : 0);
        switch (splits)
        {
            case 0: Add(o, v0, v1, v2); return;
            case 3:
                Add(o, v0, m01, m20); Add(o, m01, v1, m12); Add(o, m20, m12, v2); Add(o, m01, m12, m20);
                return;
            case 1:
                if (m01 >= 0) { Add(o, v0, m01, v2); Add(o, m01, v1, v2); }
                else if (m12 >= 0) { Add(o, v1, m12, v0); Add(o, m12, v2, v0); }
                else { Add(o, v2, m20, v1); Add(o, m20, v0, v1); }
                return;
            default:
                // Two split edges: rotate so the unsplit edge is (c, a) and edges (a,b), (b,c) are split.
                if (m20 < 0) Two(o, verts, v0, v1, v2, m01, m12);
                else if (m01 < 0) Two(o, verts, v1, v2, v0, m12, m20);
                else Two(o, verts, v2, v0, v1, m20, m01);
                return;
        }
    }

    private static void Two(List<int> o, List<float> verts, int a, int b, int c, int mab, int mbc)
    {
        Add(o, mab, b, mbc);
        // Quad a, mab, mbc, c: cut along the shorter diagonal.
        if (Length2(verts, a, mbc) <= Length2(verts, mab, c)) { Add(o, a, mab, mbc); Add(o, a, mbc, c); }
        else { Add(o, a, mab, c); Add(o, mab, mbc, c); }
    }

    private static void Add(List<int> o, int a, int b, int c) { o.Add(a); o.Add(b); o.Add(c); }

    private static float Length2(List<float> v, int a, int b)
    {
        float dx = v[3 * a] - v[3 * b], dy = v[3 * a + 1] - v[3 * b + 1], dz = v[3 * a + 2] - v[3 * b + 2];
        return dx * dx + dy * dy + dz * dz;
    }
}
