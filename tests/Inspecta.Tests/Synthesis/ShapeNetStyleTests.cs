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

    public static TheoryData<string> ClassNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ShapeCatalog3D.All) data.Add(c.Name);
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
    [MemberData(nameof(ClassNames))]
    public void Every_defect_marks_1_to_10_percent_of_points_and_labels_lie_on_the_deformed_surface(string className)
    {
        var source = ShapeSource3D.Procedural(ShapeCatalog3D.Get(className));
        foreach (var defect in DefectTypes3D.All)
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

    /// <summary>Anomalous points are off the clean surface; normal points are on it (distance to the clean mesh).</summary>
    internal static void AssertLabelsMatchDisplacement(ShapeNetSample sample, float threshold, string what)
    {
        var p = sample.Cloud.Positions;
        var labels = sample.Cloud.Labels!;
        // Reference: the clean surface, densely represented by the clean positions of all points.
        var grid = new PointGrid(sample.CleanPositions, threshold * 2);
        int offSurface = 0, anomalous = 0, strayNormal = 0;
        for (int i = 0; i < sample.Cloud.Count; i++)
        {
            float dist = grid.NearestDistance(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
            if (labels[i] != 0) { anomalous++; if (dist >= threshold * 0.5f) offSurface++; }
            else if (dist > threshold * 1.01f) strayNormal++;
        }
        Assert.True(strayNormal == 0, $"{what}: {strayNormal} normal points are off the clean surface");
        // The clean reference is a finite sampling, so a few anomalous points near the rim may sit close to it.
        Assert.True(offSurface >= 0.8 * anomalous, $"{what}: only {offSurface}/{anomalous} anomalous points are off the clean surface");
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

/// <summary>Uniform hash grid for nearest-point queries within a small radius (test helper).</summary>
internal sealed class PointGrid
{
    private readonly float[] _points;
    private readonly float _cell;
    private readonly Dictionary<(int, int, int), List<int>> _cells = new();

    public PointGrid(float[] points, float cell)
    {
        _points = points; _cell = cell;
        for (int i = 0; i < points.Length / 3; i++)
        {
            var key = Key(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
            if (!_cells.TryGetValue(key, out var list)) _cells[key] = list = [];
            list.Add(i);
        }
    }

    private (int, int, int) Key(float x, float y, float z) => ((int)MathF.Floor(x / _cell), (int)MathF.Floor(y / _cell), (int)MathF.Floor(z / _cell));

    /// <summary>Distance to the nearest point, or +∞ when none is within one cell.</summary>
    public float NearestDistance(float x, float y, float z)
    {
        var (cx, cy, cz) = Key(x, y, z);
        float best = float.PositiveInfinity;
        for (int dx = -1; dx <= 1; dx++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dz = -1; dz <= 1; dz++)
                    if (_cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list))
                        foreach (int i in list)
                        {
                            float ex = _points[3 * i] - x, ey = _points[3 * i + 1] - y, ez = _points[3 * i + 2] - z;
                            best = MathF.Min(best, MathF.Sqrt(ex * ex + ey * ey + ez * ez));
                        }
        return best;
    }
}
