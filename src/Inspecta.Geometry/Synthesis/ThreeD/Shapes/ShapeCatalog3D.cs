using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Shapes;

/// <summary>The procedural object classes (Anomaly-ShapeNet style), each about one unit in size.</summary>
public static class ShapeCatalog3D
{
    public static IReadOnlyList<ShapeClass3D> All { get; } =
    [
        new("vase", "hollow vase with a bulging body and narrow neck (surface of revolution)", Vase),
        new("bottle", "closed bottle with shoulder and neck (surface of revolution)", Bottle),
        new("cup", "tapered hollow cup (surface of revolution)", Cup),
        new("bowl", "wide hollow bowl (surface of revolution)", Bowl),
        new("torus", "torus with an elliptic tube", (rng, edge) => TorusMesh.Build(rng.Range(0.62f, 0.74f), rng.Range(0.2f, 0.27f), rng.Range(0.85f, 1.15f), edge)),
        new("capsule", "capsule: cylinder with hemispherical caps", Capsule),
        new("rounded_box", "box with rounded edges", RoundedBox),
        new("superquadric", "superellipsoid (between ellipsoid and box)", Superquadric),
    ];

    public static ShapeClass3D Get(string name) =>
        All.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InspectaUserException($"Unknown 3D class '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.");

    private static TriangleMesh Vase(SynthRandom rng, float edge)
    {
        float h = rng.Range(1.55f, 1.85f), foot = rng.Range(0.26f, 0.32f), belly = rng.Range(0.44f, 0.54f), neck = rng.Range(0.17f, 0.22f), lip = rng.Range(0.26f, 0.32f);
        float bellyAt = rng.Range(0.3f, 0.42f);
        return Hollow(t => Interpolate(t, [(0, foot), (bellyAt, belly), (0.78f, neck), (1f, lip)]), h, 0.045f, 0.07f, edge);
    }

    private static TriangleMesh Cup(SynthRandom rng, float edge)
    {
        float h = rng.Range(0.9f, 1.1f), bottom = rng.Range(0.36f, 0.42f), top = rng.Range(0.48f, 0.56f);
        return Hollow(t => bottom + (top - bottom) * t, h, 0.05f, 0.08f, edge);
    }

    private static TriangleMesh Bowl(SynthRandom rng, float edge)
    {
        float h = rng.Range(0.42f, 0.55f), bottom = rng.Range(0.3f, 0.38f), top = rng.Range(0.82f, 0.95f);
        return Hollow(t => bottom + (top - bottom) * MathF.Sin(t * MathF.PI / 2), h, 0.05f, 0.07f, edge);
    }

    private static TriangleMesh Bottle(SynthRandom rng, float edge)
    {
        float h = rng.Range(1.6f, 1.9f), body = rng.Range(0.36f, 0.44f), neck = rng.Range(0.12f, 0.16f), shoulder = rng.Range(0.52f, 0.62f);
        var profile = new List<(float R, float Z)> { (0, 0) };
        profile.AddRange(RevolutionMesh.Smooth(t => Interpolate(t, [(0, body * 0.93f), (0.04f, body), (shoulder, body), (shoulder + 0.2f, neck), (1f, neck)]), h).Skip(0));
        profile.Add((neck * 0.6f, h + 0.02f));
        profile.Add((0, h + 0.02f));
        return Center(RevolutionMesh.Build(profile, edge));
    }

    private static TriangleMesh Capsule(SynthRandom rng, float edge)
    {
        float r = rng.Range(0.27f, 0.34f), half = rng.Range(0.45f, 0.62f);
        var profile = new List<(float R, float Z)>();
        const int arc = 16;
        for (int i = 0; i <= arc; i++) { float a = -MathF.PI / 2 + MathF.PI / 2 * i / arc; profile.Add((r * MathF.Cos(a), -half + r * MathF.Sin(a))); }
        for (int i = 0; i <= arc; i++) { float a = MathF.PI / 2 * i / arc; profile.Add((r * MathF.Cos(a), half + r * MathF.Sin(a))); }
        profile[0] = (0, profile[0].Z); profile[^1] = (0, profile[^1].Z);
        return Center(RevolutionMesh.Build(profile, edge));
    }

    private static TriangleMesh RoundedBox(SynthRandom rng, float edge)
    {
        var half = new Vec3(rng.Range(0.62f, 0.75f), rng.Range(0.42f, 0.52f), rng.Range(0.28f, 0.36f));
        float radius = rng.Range(0.08f, 0.14f);
        int resolution = (int)MathF.Ceiling(2 * half.X / edge);
        return MeshRefiner.Refine(CubeSphereMesh.Build(resolution, CubeSphereMesh.RoundedBox(half, radius)), edge);
    }

    private static TriangleMesh Superquadric(SynthRandom rng, float edge)
    {
        var radii = new Vec3(rng.Range(0.7f, 0.85f), rng.Range(0.5f, 0.62f), rng.Range(0.42f, 0.52f));
        int resolution = (int)MathF.Ceiling(2 * radii.X / edge);
        return MeshRefiner.Refine(CubeSphereMesh.Build(resolution, CubeSphereMesh.Superquadric(radii, rng.Range(2.6f, 4f))), edge);
    }

    /// <summary>Open-topped vessel: outer wall up, rim, inner wall down to a floor of the given thickness.</summary>
    private static TriangleMesh Hollow(Func<float, float> outer, float height, float wall, float floor, float edge)
    {
        var profile = new List<(float R, float Z)> { (0, 0) };
        profile.AddRange(RevolutionMesh.Smooth(outer, height));
        var inner = RevolutionMesh.Smooth(t => MathF.Max(0.02f, outer(t) - wall), height);
        for (int i = inner.Count - 1; i >= 0; i--)
            if (inner[i].Z >= floor) profile.Add(inner[i]);
        profile.Add((MathF.Max(0.02f, outer(floor / height) - wall), floor));
        profile.Add((0, floor));
        return Center(RevolutionMesh.Build(profile, edge));
    }

    /// <summary>Smooth (cosine-eased) interpolation through (t, value) control points.</summary>
    private static float Interpolate(float t, (float T, float V)[] points)
    {
        if (t <= points[0].T) return points[0].V;
        for (int i = 1; i < points.Length; i++)
            if (t <= points[i].T)
            {
                float u = (t - points[i - 1].T) / (points[i].T - points[i - 1].T);
                float e = 0.5f - 0.5f * MathF.Cos(u * MathF.PI);
                return points[i - 1].V + (points[i].V - points[i - 1].V) * e;
            }
        return points[^1].V;
    }

    /// <summary>Moves the bounding-box centre to the origin.</summary>
    public static TriangleMesh Center(TriangleMesh mesh)
    {
        var (min, max) = mesh.Bounds();
        var c = (min + max) * 0.5f;
        var v = (float[])mesh.Vertices.Clone();
        for (int i = 0; i < v.Length; i += 3) { v[i] -= c.X; v[i + 1] -= c.Y; v[i + 2] -= c.Z; }
        return new TriangleMesh(v, mesh.Triangles);
    }
}
