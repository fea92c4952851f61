using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Shapes;

/// <summary>A closed torus (genus 1) around the z axis, optionally with an elliptic tube.</summary>
public static class TorusMesh
{
    public static TriangleMesh Build(float major, float minor, float tubeSquash, float edge)
    {
        int nu = Math.Max(24, (int)MathF.Ceiling(MathF.Tau * (major + minor) / edge));
        int nv = Math.Max(12, (int)MathF.Ceiling(MathF.Tau * minor / edge));
        var verts = new float[3 * nu * nv];
        for (int i = 0; i < nu; i++)
        {
            float u = MathF.Tau * i / nu;
            for (int j = 0; j < nv; j++)
            {
                float v = MathF.Tau * j / nv;
                float r = major + minor * MathF.Cos(v);
                int k = 3 * (i * nv + j);
                verts[k] = r * MathF.Cos(u); verts[k + 1] = r * MathF.Sin(u); verts[k + 2] = minor * tubeSquash * MathF.Sin(v);
            }
        }
        var tris = new List<int>(6 * nu * nv);
        for (int i = 0; i < nu; i++)
            for (int j = 0; j < nv; j++)
            {
                int a = i * nv + j, b = ((i + 1) % nu) * nv + j, c = ((i + 1) % nu) * nv + (j + 1) % nv, d = i * nv + (j + 1) % nv;
                tris.AddRange([a, b, c, a, c, d]);
            }
        return new TriangleMesh(verts, tris.ToArray());
    }
}
