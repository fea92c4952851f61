using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Carving;

/// <summary>
/// Carves Anomaly-ShapeNet defects on a fine mesh: bulge and concavity (smooth normal displacement),
/// hole (triangles removed, rim pressed in), break (a piece cut off along a rough plane), bending (the
/// end of the part rotated), crack (a narrow groove). Region sizes are chosen from the mesh's own area
/// distribution so the defect covers a given fraction of the surface.
/// </summary>
public static class MeshDefectCarver
{
    public static CarvedMesh Carve(TriangleMesh mesh, string type, float areaFraction, SynthRandom rng)
    {
        var (min, max) = mesh.Bounds();
        float size = (max - min).Length;
        var normals = mesh.VertexNormals();
        var areas = VertexAreas(mesh);
        int nv = mesh.VertexCount;
        var v = (float[])mesh.Vertices.Clone();
        int[] triangles = mesh.Triangles;
        int centreIndex = PickCentre(mesh, areas, rng);
        var c = mesh.Vertex(centreIndex);
        var nc = new Vec3(normals[3 * centreIndex], normals[3 * centreIndex + 1], normals[3 * centreIndex + 2]);
        var noise = new GradientNoise(rng.Fork(5));

        switch (type)
        {
            case DefectTypes3D.Bulge:
            case DefectTypes3D.Concavity:
            {
                float r = RadiusForFraction(mesh, areas, c, areaFraction);
                float amplitude = rng.Range(0.28f, 0.42f) * r * (type == DefectTypes3D.Bulge ? 1 : -1);
                for (int i = 0; i < nv; i++)
                {
                    float d = (mesh.Vertex(i) - c).Length / r;
                    if (d >= 1) continue;
                    float w = (1 - d * d) * (1 - d * d);
                    Displace(v, normals, i, amplitude * w);
                }
                break;
            }
            case DefectTypes3D.Hole:
            {
                float r = RadiusForFraction(mesh, areas, c, areaFraction * 0.45f);
                float rim = r * 0.8f, depth = rng.Range(0.25f, 0.4f) * r;
                var kept = new List<int>(triangles.Length);
                for (int t = 0; t < triangles.Length; t += 3)
                {
                    var centroid = (mesh.Vertex(triangles[t]) + mesh.Vertex(triangles[t + 1]) + mesh.Vertex(triangles[t + 2])) / 3f;
                    float wobble = 1f + 0.15f * noise.Sample(centroid.X * 6, centroid.Y * 6, centroid.Z * 6);
                    if ((centroid - c).Length >= r * wobble) kept.AddRange([triangles[t], triangles[t + 1], triangles[t + 2]]);
                }
                triangles = kept.ToArray();
                // The rim is pressed inward, like material pushed through.
                for (int i = 0; i < nv; i++)
                {
                    float d = (mesh.Vertex(i) - c).Length;
                    if (d >= r + rim) continue;
                    float w = d <= r ? 1f : 1f - (d - r) / rim;
                    Displace(v, normals, i, -depth * w * w);
                }
                break;
            }
            case DefectTypes3D.Break:
            case DefectTypes3D.Bending:
            {
                var centre = Centroid(mesh, areas);
                var u = (c - centre).Normalized();
                if (u.Length < 0.5f) u = new Vec3(0, 0, 1);
                float fraction = type == DefectTypes3D.Break ? areaFraction : areaFraction * 1.6f;
                float s0 = OffsetForFraction(mesh, areas, u, fraction);
                if (type == DefectTypes3D.Break)
                {
                    float rough = 0.012f * size;
                    float band = 0.02f * size;
                    for (int i = 0; i < nv; i++)
                    {
                        var p = mesh.Vertex(i);
                        float s = Vec3.Dot(p, u) - s0;
                        if (s <= 0) continue;
                        float fade = MathF.Min(1f, s / band);
                        float fracture = rough * fade * noise.Fbm(p.X * 5, p.Y * 5, p.Z * 5, 3);
                        Set(v, i, p - u * (s + fracture));
                    }
                }
                else
                {
                    var axis = Vec3.Cross(u, rng.Chance(0.5) ? u.AnyPerpendicular() : -u.AnyPerpendicular()).Normalized();
                    float angle = rng.Range(0.22f, 0.4f) * (rng.Chance(0.5) ? 1 : -1);
                    var pivot = u * s0;
                    float band = 0.08f * size;
                    for (int i = 0; i < nv; i++)
                    {
                        var p = mesh.Vertex(i);
                        float s = Vec3.Dot(p, u) - s0;
                        if (s <= 0) continue;
                        float blend = MathF.Min(1f, s / band);
                        blend = blend * blend * (3 - 2 * blend);
                        Set(v, i, pivot + Vec3.Rotate(p - pivot, axis, angle * blend));
                    }
                }
                break;
            }
            case DefectTypes3D.Crack:
            {
                var t = Vec3.Rotate(nc.AnyPerpendicular(), nc, rng.Range(0, MathF.Tau));
                var b = Vec3.Cross(nc, t);
                float length = rng.Range(0.25f, 0.4f) * size;
                float width = RadiusForFraction(mesh, areas, c, areaFraction) * 0.22f;
                width = MathF.Max(width, 0.012f * size);
                float depth = rng.Range(0.5f, 0.8f) * width;
                for (int i = 0; i < nv; i++)
                {
                    var d = mesh.Vertex(i) - c;
                    float along = Vec3.Dot(d, t) / (length / 2), side = Vec3.Dot(d, b), up = Vec3.Dot(d, nc);
                    if (MathF.Abs(along) >= 1 || MathF.Abs(up) > length / 3) continue;
                    var n = new Vec3(normals[3 * i], normals[3 * i + 1], normals[3 * i + 2]);
                    if (Vec3.Dot(n, nc) < 0.3f) continue;
                    // The crack meanders: its centre line wanders sideways along its length.
                    float wander = 0.8f * width * noise.Sample(along * 2.5f + 3.7f, 0.5f);
                    float x = (side - wander) / width;
                    if (MathF.Abs(x) >= 1) continue;
                    float taper = 1 - along * along * along * along;
                    Displace(v, normals, i, -depth * (1 - x * x) * taper);
                }
                break;
            }
            default:
                throw new ArgumentException($"Unknown 3D defect type '{type}'. Known: {string.Join(", ", DefectTypes3D.All)}.", nameof(type));
        }
        var clean = ReferenceEquals(triangles, mesh.Triangles) ? mesh : new TriangleMesh(mesh.Vertices, triangles);
        return new CarvedMesh(clean, new TriangleMesh(v, triangles), type);
    }

    private static void Displace(float[] v, float[] normals, int i, float amount)
    {
        v[3 * i] += normals[3 * i] * amount; v[3 * i + 1] += normals[3 * i + 1] * amount; v[3 * i + 2] += normals[3 * i + 2] * amount;
    }

    private static void Set(float[] v, int i, Vec3 p) { v[3 * i] = p.X; v[3 * i + 1] = p.Y; v[3 * i + 2] = p.Z; }

    /// <summary>One third of the area of every incident triangle, per vertex.</summary>
    internal static double[] VertexAreas(TriangleMesh mesh)
    {
        var areas = new double[mesh.VertexCount];
        for (int t = 0; t < mesh.TriangleCount; t++)
        {
            double a = mesh.TriangleArea(t) / 3;
            areas[mesh.Triangles[3 * t]] += a; areas[mesh.Triangles[3 * t + 1]] += a; areas[mesh.Triangles[3 * t + 2]] += a;
        }
        return areas;
    }

    private static int PickCentre(TriangleMesh mesh, double[] areas, SynthRandom rng)
    {
        double total = areas.Sum(), target = rng.NextDouble() * total, sum = 0;
        for (int i = 0; i < areas.Length; i++) { sum += areas[i]; if (sum >= target) return i; }
        return areas.Length - 1;
    }

    private static Vec3 Centroid(TriangleMesh mesh, double[] areas)
    {
        double x = 0, y = 0, z = 0, w = 0;
        for (int i = 0; i < areas.Length; i++) { var p = mesh.Vertex(i); x += p.X * areas[i]; y += p.Y * areas[i]; z += p.Z * areas[i]; w += areas[i]; }
        return new Vec3((float)(x / w), (float)(y / w), (float)(z / w));
    }

    /// <summary>Radius around <paramref name="c"/> that encloses the given fraction of the surface area.</summary>
    private static float RadiusForFraction(TriangleMesh mesh, double[] areas, Vec3 c, float fraction)
    {
        var dist = new float[areas.Length];
        var order = new int[areas.Length];
        for (int i = 0; i < dist.Length; i++) { dist[i] = (mesh.Vertex(i) - c).Length; order[i] = i; }
        Array.Sort(dist, order);
        double total = areas.Sum(), target = fraction * total, sum = 0;
        for (int k = 0; k < order.Length; k++) { sum += areas[order[k]]; if (sum >= target) return dist[k]; }
        return dist[^1];
    }

    /// <summary>Plane offset along <paramref name="u"/> beyond which the given fraction of the area lies.</summary>
    private static float OffsetForFraction(TriangleMesh mesh, double[] areas, Vec3 u, float fraction)
    {
        var s = new float[areas.Length];
        var order = new int[areas.Length];
        for (int i = 0; i < s.Length; i++) { s[i] = -Vec3.Dot(mesh.Vertex(i), u); order[i] = i; }
        Array.Sort(s, order);
        double total = areas.Sum(), target = fraction * total, sum = 0;
        for (int k = 0; k < order.Length; k++) { sum += areas[order[k]]; if (sum >= target) return -s[k]; }
        return -s[^1];
    }
}
