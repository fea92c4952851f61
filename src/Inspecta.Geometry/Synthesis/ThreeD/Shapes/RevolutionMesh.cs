using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Shapes;

/// <summary>
/// A closed surface of revolution about the z axis. The profile is a polyline of (r, z) pairs that
/// starts and ends on the axis (r = 0); walls with thickness go up the outside, over the rim and down
/// the inside, so vases and cups are watertight solids too.
/// </summary>
public static class RevolutionMesh
{
    public static TriangleMesh Build(IReadOnlyList<(float R, float Z)> profile, float edge)
    {
        if (profile.Count < 3 || profile[0].R != 0 || profile[^1].R != 0)
            throw new ArgumentException("A revolution profile needs ≥ 3 points and must start and end on the axis.", nameof(profile));
        var rings = Resample(profile, edge);
        float rMax = rings.Max(p => p.R);
        int segments = Math.Max(16, (int)MathF.Ceiling(MathF.Tau * rMax / edge));
        var verts = new List<float>();
        var tris = new List<int>();
        // Pole vertices for the first and last profile points; rings for the interior ones.
        verts.AddRange([0, 0, rings[0].Z]);
        int ringCount = rings.Count - 2;
        for (int i = 1; i <= ringCount; i++)
            for (int s = 0; s < segments; s++)
            {
                float a = MathF.Tau * s / segments;
                verts.AddRange([rings[i].R * MathF.Cos(a), rings[i].R * MathF.Sin(a), rings[i].Z]);
            }
        int top = verts.Count / 3;
        verts.AddRange([0, 0, rings[^1].Z]);
        int Ring(int i, int s) => 1 + (i - 1) * segments + (s % segments);
        // Outward orientation: the profile runs bottom → top on the outside, so (ring i, ring i+1) winds counter-clockwise.
        for (int s = 0; s < segments; s++) tris.AddRange([0, Ring(1, s + 1), Ring(1, s)]);
        for (int i = 1; i < ringCount; i++)
            for (int s = 0; s < segments; s++)
            {
                tris.AddRange([Ring(i, s), Ring(i, s + 1), Ring(i + 1, s + 1)]);
                tris.AddRange([Ring(i, s), Ring(i + 1, s + 1), Ring(i + 1, s)]);
            }
        for (int s = 0; s < segments; s++) tris.AddRange([top, Ring(ringCount, s), Ring(ringCount, s + 1)]);
        return new TriangleMesh(verts.ToArray(), tris.ToArray());
    }

    /// <summary>Points along the profile every ~<paramref name="edge"/> (keeping the original corners).</summary>
    private static List<(float R, float Z)> Resample(IReadOnlyList<(float R, float Z)> profile, float edge)
    {
        var result = new List<(float R, float Z)> { profile[0] };
        for (int i = 1; i < profile.Count; i++)
        {
            var (r0, z0) = profile[i - 1];
            var (r1, z1) = profile[i];
            float len = MathF.Sqrt((r1 - r0) * (r1 - r0) + (z1 - z0) * (z1 - z0));
            int steps = Math.Max(1, (int)MathF.Ceiling(len / edge));
            for (int k = 1; k <= steps; k++)
            {
                float t = k / (float)steps;
                result.Add((r0 + (r1 - r0) * t, z0 + (z1 - z0) * t));
            }
        }
        return result;
    }

    /// <summary>Samples a smooth outer radius function r(t), t ∈ [0,1] bottom→top, into profile points.</summary>
    public static List<(float R, float Z)> Smooth(Func<float, float> radius, float height, int samples = 48)
    {
        var pts = new List<(float, float)>(samples + 1);
        for (int i = 0; i <= samples; i++)
        {
            float t = i / (float)samples;
            pts.Add((radius(t), t * height));
        }
        return pts;
    }
}
