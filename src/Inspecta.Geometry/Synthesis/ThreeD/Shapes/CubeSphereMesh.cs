using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Shapes;

/// <summary>
/// A closed genus-0 mesh made from the six subdivided faces of a cube (shared edge vertices welded),
/// then mapped point by point onto a star-shaped surface: rounded boxes and superquadrics.
/// </summary>
public static class CubeSphereMesh
{
    public static TriangleMesh Build(int resolution, Func<Vec3, Vec3> map)
    {
        int n = resolution;
        var index = new Dictionary<(int, int, int), int>();
        var verts = new List<float>();
        var tris = new List<int>();
        int Vertex(int x, int y, int z)
        {
            if (index.TryGetValue((x, y, z), out int i)) return i;
            var p = map(new Vec3(2f * x / n - 1, 2f * y / n - 1, 2f * z / n - 1));
            verts.AddRange([p.X, p.Y, p.Z]);
            return index[(x, y, z)] = verts.Count / 3 - 1;
        }
        // Each face: fixed axis at 0 or n; (u, v) span the other two axes, ordered so normals point outward.
        for (int axis = 0; axis < 3; axis++)
            for (int side = 0; side < 2; side++)
                for (int u = 0; u < n; u++)
                    for (int v = 0; v < n; v++)
                    {
                        int fixedCoord = side * n;
                        int[] Grid(int a, int b) => axis switch
                        {
                            0 => [fixedCoord, a, b],
                            1 => [b, fixedCoord, a],
                            _ => [a, b, fixedCoord],
                        };
                        int p00 = At(Grid(u, v)), p10 = At(Grid(u + 1, v)), p11 = At(Grid(u + 1, v + 1)), p01 = At(Grid(u, v + 1));
                        if (side == 1) tris.AddRange([p00, p10, p11, p00, p11, p01]);
                        else tris.AddRange([p00, p11, p10, p00, p01, p11]);
                    }
        return new TriangleMesh(verts.ToArray(), tris.ToArray());

        int At(int[] c) => Vertex(c[0], c[1], c[2]);
    }

    /// <summary>Rounded box with half extents <paramref name="half"/> and corner radius <paramref name="radius"/>.</summary>
    public static Func<Vec3, Vec3> RoundedBox(Vec3 half, float radius) => p =>
    {
        var x = new Vec3(p.X * half.X, p.Y * half.Y, p.Z * half.Z);
        var core = new Vec3(Math.Clamp(x.X, -(half.X - radius), half.X - radius), Math.Clamp(x.Y, -(half.Y - radius), half.Y - radius), Math.Clamp(x.Z, -(half.Z - radius), half.Z - radius));
        var d = x - core;
        return d.Length > 1e-9f ? core + d.Normalized() * radius : x;
    };

    /// <summary>Superellipsoid |x/a|^e + |y/b|^e + |z/c|^e = 1, reached along the ray through the cube point.</summary>
    public static Func<Vec3, Vec3> Superquadric(Vec3 radii, float exponent) => p =>
    {
        var d = p.Normalized();
        float f = MathF.Pow(MathF.Abs(d.X / radii.X), exponent) + MathF.Pow(MathF.Abs(d.Y / radii.Y), exponent) + MathF.Pow(MathF.Abs(d.Z / radii.Z), exponent);
        return d * MathF.Pow(f, -1f / exponent);
    };
}
