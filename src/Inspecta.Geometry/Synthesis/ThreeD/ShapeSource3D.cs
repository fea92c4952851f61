using Inspecta.Geometry.Meshes;
using Inspecta.Synthesis.ThreeD.Shapes;

namespace Inspecta.Synthesis.ThreeD;

/// <summary>
/// Where the objects of one class come from: a procedural class, or a user mesh (normalised to unit
/// size; instances differ by a small anisotropic scale, as scanned parts of one design do).
/// </summary>
public sealed class ShapeSource3D
{
    private readonly Func<SynthRandom, float, TriangleMesh> _build;
    public string Name { get; }

    private ShapeSource3D(string name, Func<SynthRandom, float, TriangleMesh> build) { Name = name; _build = build; }

    public static ShapeSource3D Procedural(ShapeClass3D shape) => new(shape.Name, shape.Build);

    public static ShapeSource3D FromMesh(string name, TriangleMesh mesh)
    {
        var normalised = Normalise(mesh);
        return new ShapeSource3D(name, (rng, edge) =>
        {
            float sx = rng.Range(0.97f, 1.03f), sy = rng.Range(0.97f, 1.03f), sz = rng.Range(0.97f, 1.03f);
            var v = (float[])normalised.Vertices.Clone();
            for (int i = 0; i < v.Length; i += 3) { v[i] *= sx; v[i + 1] *= sy; v[i + 2] *= sz; }
            return new TriangleMesh(v, normalised.Triangles);
        });
    }

    /// <summary>Builds one instance and refines it to the target edge length.</summary>
    public TriangleMesh Instance(SynthRandom rng, float edge) => MeshRefiner.Refine(_build(rng, edge), edge);

    /// <summary>Centres the mesh and scales its bounding-box diagonal to 2.4 (the size of the procedural classes).</summary>
    private static TriangleMesh Normalise(TriangleMesh mesh)
    {
        var (min, max) = mesh.Bounds();
        var c = (min + max) * 0.5f;
        float diag = (max - min).Length;
        if (!(diag > 0) || !float.IsFinite(diag)) throw new InspectaUserException("The mesh has no extent (all vertices coincide or are not finite).");
        float k = 2.4f / diag;
        var v = (float[])mesh.Vertices.Clone();
        for (int i = 0; i < v.Length; i += 3) { v[i] = (v[i] - c.X) * k; v[i + 1] = (v[i + 1] - c.Y) * k; v[i + 2] = (v[i + 2] - c.Z) * k; }
        return new TriangleMesh(v, mesh.Triangles);
    }
}
