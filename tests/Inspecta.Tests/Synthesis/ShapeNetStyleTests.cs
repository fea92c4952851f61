using Inspecta.Datasets;
using Inspecta.Geometry.Meshes;
using Inspecta.Synthesis;
using Inspecta.Synthesis.ThreeD;
using Inspecta.Synthesis.ThreeD.Carving;
using Inspecta.Synthesis.ThreeD.Shapes;

namespace Inspecta.Tests.Synthesis;

public class ShapeNetStyleTests
{
    private static readonly ShapeNetStyleGenerator Generator = new(new ShapeNetStyleOptions { Seed = 5, MinPoints = 8000, MaxPoints = 9000 });

    /// <summary>Every class with two defect types, every defect type on at least two classes (keeps the test short).</summary>
    public static TheoryData<string, string, string> ClassDefects()
    {
        var data = new TheoryData<string, string, string>();
        var defects = DefectTypes3D.All;
        for (int i = 0; i < ShapeCatalog3D.All.Count; i++)
            data.Add(ShapeCatalog3D.All[i].Name, defects[(2 * i) % defects.Count], defects[(2 * i + 1) % defects.Count]);
        return data;
    }

    [Fact]
    public void There_are_at_least_eight_watertight_outward_classes()
    {
        Assert.True(ShapeCatalog3D.All.Count >= 8);
        foreach (var shape in ShapeCatalog3D.All)
        {
            var mesh = ShapeSource3D.Procedural(shape).Instance(new SynthRandom(1), 0.03f);
            Assert.True(mesh.IsWatertight(), $"{shape.Name} is not watertight");
            Assert.True(SignedVolume(mesh) > 0.05, $"{shape.Name}: signed volume {SignedVolume(mesh):F3} (inward-facing or degenerate)");
            Assert.True(MaxEdge(mesh) <= 0.0301f, $"{shape.Name}: an edge is longer than the target");
        }
    }

    [Theory]
    [MemberData(nameof(ClassDefects))]
    public void Defects_mark_1_to_10_percent_of_points_and_labels_lie_on_the_deformed_surface(string className, string defectA, string defectB)
    {
        var source = ShapeSource3D.Procedural(ShapeCatalog3D.Get(className));
        foreach (var defect in new[] { defectA, defectB })
        {
            var sample = Generator.Generate(source, $"{className}_{defect}0", Split.Test, defect, 0);
            int n = sample.Cloud.Count;
            Assert.InRange(n, 8000, 9000);
            double share = sample.AnomalousCount / (double)n;
            Assert.True(share is >= 0.01 and <= 0.10, $"{className}/{defect}: anomalous share {share:P1}");
            AssertLabelsMatchDisplacement(sample, Generator.Options.LabelThreshold, $"{className}/{defect}");
        }
        var normal = Generator.Generate(source, $"{className}_positive0", Split.Test, null, 0);
        Assert.Equal(0, normal.AnomalousCount);
    }

    /// <summary>Anomalous points are off the clean mesh surface; normal points lie on it.</summary>
    internal static void AssertLabelsMatchDisplacement(ShapeNetSample sample, float threshold, string what)
    {
        var p = sample.Cloud.Positions;
        var labels = sample.Cloud.Labels!;
        var surface = new TriangleGrid(sample.Mesh.Clean, 0.06f);
        int offSurface = 0, anomalous = 0, strayNormal = 0, checkedNormal = 0;
        for (int i = 0; i < sample.Cloud.Count; i++)
        {
            var q = new Vec3(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
            if (labels[i] != 0)
            {
                anomalous++;
                if (surface.Distance(q, threshold) >= threshold * 0.5f) offSurface++;
            }
            else if (i % 7 == 0)
            {
                checkedNormal++;
                if (surface.Distance(q, threshold) > threshold) strayNormal++;
            }
        }
        Assert.True(checkedNormal > 0);
        Assert.True(strayNormal == 0, $"{what}: {strayNormal}/{checkedNormal} normal points are off the clean surface");
        // Bending and breaks also slide points along the surface, so a minority of moved points stay close to it.
        Assert.True(offSurface >= 0.75 * anomalous, $"{what}: only {offSurface}/{anomalous} anomalous points are off the clean surface");
    }

    private static double SignedVolume(TriangleMesh m)
    {
        double vol = 0;
        for (int t = 0; t < m.TriangleCount; t++)
        {
            var a = m.Vertex(m.Triangles[3 * t]); var b = m.Vertex(m.Triangles[3 * t + 1]); var c = m.Vertex(m.Triangles[3 * t + 2]);
            vol += Vec3.Dot(a, Vec3.Cross(b, c)) / 6.0;
        }
        return vol;
    }

    private static float MaxEdge(TriangleMesh m)
    {
        float max = 0;
        for (int t = 0; t < m.TriangleCount; t++)
            for (int e = 0; e < 3; e++)
                max = MathF.Max(max, (m.Vertex(m.Triangles[3 * t + e]) - m.Vertex(m.Triangles[3 * t + (e + 1) % 3])).Length);
        return max;
    }
}

/// <summary>Triangles binned in a uniform grid for point-to-surface distances (test helper).</summary>
internal sealed class TriangleGrid
{
    private readonly TriangleMesh _mesh;
    private readonly float _cell;
    private readonly Dictionary<(int, int, int), List<int>> _cells = new();

    public TriangleGrid(TriangleMesh mesh, float cell)
    {
        _mesh = mesh; _cell = cell;
        for (int t = 0; t < mesh.TriangleCount; t++)
        {
            var a = mesh.Vertex(mesh.Triangles[3 * t]); var b = mesh.Vertex(mesh.Triangles[3 * t + 1]); var c = mesh.Vertex(mesh.Triangles[3 * t + 2]);
            var (lo, hi) = (Key(Vec3.Min(a, Vec3.Min(b, c))), Key(Vec3.Max(a, Vec3.Max(b, c))));
            for (int x = lo.Item1; x <= hi.Item1; x++)
                for (int y = lo.Item2; y <= hi.Item2; y++)
                    for (int z = lo.Item3; z <= hi.Item3; z++)
                    {
                        if (!_cells.TryGetValue((x, y, z), out var list)) _cells[(x, y, z)] = list = [];
                        list.Add(t);
                    }
        }
    }

    private (int, int, int) Key(Vec3 p) => ((int)MathF.Floor(p.X / _cell), (int)MathF.Floor(p.Y / _cell), (int)MathF.Floor(p.Z / _cell));

    /// <summary>Distance to the mesh, exact when it is below one cell (larger values are capped at "far").</summary>
    public float Distance(Vec3 p, float _)
    {
        var (cx, cy, cz) = Key(p);
        float best = float.PositiveInfinity;
        for (int dx = -1; dx <= 1; dx++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dz = -1; dz <= 1; dz++)
                    if (_cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list))
                        foreach (int t in list)
                            best = MathF.Min(best, PointTriangle(p, _mesh.Vertex(_mesh.Triangles[3 * t]), _mesh.Vertex(_mesh.Triangles[3 * t + 1]), _mesh.Vertex(_mesh.Triangles[3 * t + 2])));
        return best;
    }

    /// <summary>Distance from p to triangle abc (closest-point regions, Ericson's "Real-Time Collision Detection" formulation).</summary>
    private static float PointTriangle(Vec3 p, Vec3 a, Vec3 b, Vec3 c)
    {
        Vec3 ab = b - a, ac = c - a, ap = p - a;
        float d1 = Vec3.Dot(ab, ap), d2 = Vec3.Dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) return ap.Length;
        Vec3 bp = p - b;
        float d3 = Vec3.Dot(ab, bp), d4 = Vec3.Dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) return bp.Length;
        float vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) return (p - (a + ab * (d1 / (d1 - d3)))).Length;
        Vec3 cp = p - c;
        float d5 = Vec3.Dot(ab, cp), d6 = Vec3.Dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) return cp.Length;
        float vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) return (p - (a + ac * (d2 / (d2 - d6)))).Length;
        float va = d3 * d6 - d5 * d4;
        if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) return (p - (b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6))))).Length;
        float denom = 1 / (va + vb + vc);
        return (p - (a + ab * (vb * denom) + ac * (vc * denom))).Length;
    }
}
