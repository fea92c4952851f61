namespace Inspecta.Geometry.Meshes;

/// <summary>A point on a mesh surface: its triangle and barycentric weights of the 2nd and 3rd corner.</summary>
public readonly record struct SurfacePoint(int Triangle, float U, float V)
{
    public Vec3 On(TriangleMesh mesh)
    {
        var t = mesh.Triangles;
        var a = mesh.Vertex(t[3 * Triangle]); var b = mesh.Vertex(t[3 * Triangle + 1]); var c = mesh.Vertex(t[3 * Triangle + 2]);
        return a * (1 - U - V) + b * U + c * V;
    }
}

/// <summary>Uniform (area-weighted) random sampling of points on a triangle mesh.</summary>
public static class SurfaceSampler
{
    /// <param name="uniform">Source of uniform numbers in [0, 1) (the caller's seeded generator).</param>
    public static SurfacePoint[] Sample(TriangleMesh mesh, int count, Func<double> uniform)
    {
        int n = mesh.TriangleCount;
        if (n == 0) throw new ArgumentException("Cannot sample an empty mesh.", nameof(mesh));
        var cumulative = new double[n];
        double total = 0;
        for (int t = 0; t < n; t++) { total += mesh.TriangleArea(t); cumulative[t] = total; }
        if (total <= 0) throw new ArgumentException("The mesh has zero surface area.", nameof(mesh));
        var points = new SurfacePoint[count];
        for (int i = 0; i < count; i++)
        {
            double target = uniform() * total;
            int t = Array.BinarySearch(cumulative, target);
            if (t < 0) t = ~t;
            t = Math.Min(t, n - 1);
            float r1 = (float)uniform(), r2 = (float)uniform();
            if (r1 + r2 > 1) { r1 = 1 - r1; r2 = 1 - r2; } // fold the square onto the triangle
            points[i] = new SurfacePoint(t, r1, r2);
        }
        return points;
    }
}
