using Inspecta.Geometry;
using Inspecta.Geometry.Sampling;

namespace Inspecta.Tests.Geometry;

public class SamplingTests
{
    [Fact]
    public void VoxelGridAveragesEachOccupiedVoxel()
    {
        // Two points in voxel (0,0,0), one in (1,0,0), one in (0,0,2), one NaN.
        var pos = new float[] { 0.1f, 0.1f, 0.1f, 0.3f, 0.3f, 0.1f, 1.5f, 0.2f, 0.2f, 0.2f, 0.2f, 2.5f, float.NaN, 0, 0 };
        var cloud = new PointCloud(pos)
        {
            Labels = [0, 1, 0, 0, 0],
            Normals = [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1],
        };
        cloud.SetField("score", [1f, 3f, 5f, 7f, 9f]);
        var down = VoxelGrid.Downsample(cloud, 1f, out var voxelOf);
        Assert.Equal(3, down.Count);
        Assert.Equal(new[] { 0, 0, 1, 2, -1 }, voxelOf);
        Assert.Equal(0.2f, down.Positions[0], 6);
        Assert.Equal(0.2f, down.Positions[1], 6);
        Assert.Equal(new[] { 1, 0, 0 }, down.Labels);
        Assert.Equal(MathF.Sqrt(0.5f), down.Normals![0], 5);
        Assert.Equal(new[] { 2f, 5f, 7f }, down.FindField("score")!.ToFloatArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => VoxelGrid.Downsample(cloud, 0f));
    }

    [Fact]
    public void FarthestPointSamplingSpreadsOverClustersAndMatchesTheGreedyDefinition()
    {
        var rnd = new Random(1);
        var centres = new[] { (0f, 0f, 0f), (10f, 0f, 0f), (0f, 10f, 0f), (0f, 0f, 10f) };
        var pts = new List<float>();
        foreach (var c in centres)
            for (int i = 0; i < 50; i++) pts.AddRange([c.Item1 + (float)rnd.NextDouble() * 0.1f, c.Item2 + (float)rnd.NextDouble() * 0.1f, c.Item3 + (float)rnd.NextDouble() * 0.1f]);
        var p = pts.ToArray();
        var picked = FarthestPointSampling.Sample(p, 4);
        Assert.Equal(new[] { 0, 1, 2, 3 }, picked.Select(i => i / 50).OrderBy(x => x).ToArray());

        // Greedy definition, brute force.
        var sample = FarthestPointSampling.Sample(p, 30, startIndex: 7);
        var chosen = new List<int> { 7 };
        while (chosen.Count < 30)
        {
            int best = -1; float bestD = -1;
            for (int i = 0; i < p.Length / 3; i++)
            {
                float d = chosen.Min(c => (p[3 * i] - p[3 * c]) * (p[3 * i] - p[3 * c]) + (p[3 * i + 1] - p[3 * c + 1]) * (p[3 * i + 1] - p[3 * c + 1]) + (p[3 * i + 2] - p[3 * c + 2]) * (p[3 * i + 2] - p[3 * c + 2]));
                if (d > bestD) { bestD = d; best = i; }
            }
            chosen.Add(best);
        }
        Assert.Equal(chosen.ToArray(), sample);
        Assert.Equal(200, FarthestPointSampling.Sample(p, 500).Distinct().Count());
    }
}
