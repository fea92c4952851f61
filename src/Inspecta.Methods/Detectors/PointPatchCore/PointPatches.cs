using System.Numerics;
using Inspecta.Geometry;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.Sampling;
using Inspecta.Geometry.Spatial;

namespace Inspecta.Detectors.PointPatchCore;

/// <summary>
/// One cloud described as patches: the voxel down-sampled cloud (with its FPFH), patch centres chosen by
/// farthest-point sampling on it, and one descriptor per centre pooled (mean) over its <c>PatchPoints</c> nearest points.
/// </summary>
public sealed class PointPatches
{
    /// <summary>The down-sampled cloud the features were computed on.</summary>
    public required PointCloud Reduced { get; init; }
    /// <summary>FPFH of every reduced point (33 per point).</summary>
    public required float[] Fpfh { get; init; }
    /// <summary>Centre positions, interleaved xyz.</summary>
    public required float[] Centres { get; init; }
    /// <summary>Row-major CentreCount × dimension descriptors.</summary>
    public required float[] Descriptors { get; init; }
    public int CentreCount => Centres.Length / 3;

    /// <summary>Down-sampled cloud and its FPFH: what registration and the descriptors both need.</summary>
    public static (PointCloud Reduced, float[] Fpfh) Reduce(PointCloud cloud, PointPatchSettings settings)
    {
        var reduced = VoxelGrid.Downsample(new PointCloud(cloud.Positions), settings.VoxelSize);
        var result = FpfhExtractor.Run(reduced, new FpfhSettings
        {
            FeatureRadius = settings.FeatureRadius, MaxNeighbours = PointPatchSettings.FeatureMaxNeighbours,
            NormalRadius = settings.NormalRadius, NormalMaxNeighbours = PointPatchSettings.NormalMaxNeighbours,
            // Normals face the object's centroid: consistent (inward) for the closed, star-shaped objects of these datasets.
            Viewpoint = Centroid(reduced.Positions),
        });
        return (reduced, result.Features);
    }

    public static PointPatches Describe(PointCloud reduced, float[] fpfh, PointPatchSettings settings)
    {
        int m = Math.Min(settings.Centres, reduced.Count);
        int[] centreIndex = FarthestPointSampling.Sample(reduced.Positions, m);
        m = centreIndex.Length;
        var centres = new float[3 * m];
        for (int i = 0; i < m; i++) reduced.Positions.AsSpan(3 * centreIndex[i], 3).CopyTo(centres.AsSpan(3 * i));
        int k = Math.Min(settings.PatchPoints, reduced.Count);
        var (neighbours, _) = new KdTree(reduced.Positions).KnnBatch(centres, k);
        int dim = settings.Dimension;
        var source = settings.Descriptor == PointDescriptor.Fpfh ? fpfh : reduced.Positions;
        var descriptors = new float[m * dim];
        for (int c = 0; c < m; c++)
        {
            var row = descriptors.AsSpan(c * dim, dim);
            int found = 0;
            for (int j = 0; j < k; j++)
            {
                int q = neighbours[c * k + j];
                if (q < 0) break;
                System.Numerics.Tensors.TensorPrimitives.Add(row, source.AsSpan(q * dim, dim), row);
                found++;
            }
            System.Numerics.Tensors.TensorPrimitives.Divide(row, Math.Max(1, found), row);
        }
        return new PointPatches { Reduced = reduced, Fpfh = fpfh, Centres = centres, Descriptors = descriptors };
    }

    /// <summary>
    /// Per-point scores of <paramref name="positions"/> from the centre scores: inverse squared-distance weighting of the
    /// three nearest centres (PointNet++ feature propagation).
    /// </summary>
    public static float[] Interpolate(float[] positions, float[] centres, float[] centreScores)
    {
        int n = positions.Length / 3;
        int k = Math.Min(3, centreScores.Length);
        var (idx, d2) = new KdTree(centres).KnnBatch(positions, k);
        var scores = new float[n];
        Parallel.For(0, (n + 4095) / 4096, b =>
        {
            int end = Math.Min(n, (b + 1) * 4096);
            for (int i = b * 4096; i < end; i++)
            {
                double sum = 0, weights = 0;
                for (int j = 0; j < k; j++)
                {
                    int c = idx[i * k + j];
                    if (c < 0) continue;
                    double w = 1.0 / (d2[i * k + j] + 1e-12);
                    sum += w * centreScores[c]; weights += w;
                }
                scores[i] = (float)(sum / weights);
            }
        });
        return scores;
    }

    public static Vector3 Centroid(float[] positions)
    {
        double x = 0, y = 0, z = 0;
        int n = positions.Length / 3;
        for (int i = 0; i < n; i++) { x += positions[3 * i]; y += positions[3 * i + 1]; z += positions[3 * i + 2]; }
        return n == 0 ? Vector3.Zero : new Vector3((float)(x / n), (float)(y / n), (float)(z / n));
    }

    /// <summary>Bounding-box diagonal of the points.</summary>
    public static float Diagonal(float[] positions)
    {
        float[] lo = [float.MaxValue, float.MaxValue, float.MaxValue], hi = [float.MinValue, float.MinValue, float.MinValue];
        for (int i = 0; i < positions.Length; i++) { int a = i % 3; lo[a] = MathF.Min(lo[a], positions[i]); hi[a] = MathF.Max(hi[a], positions[i]); }
        float dx = hi[0] - lo[0], dy = hi[1] - lo[1], dz = hi[2] - lo[2];
        return MathF.Sqrt(dx * dx + dy * dy + dz * dz);
    }
}
