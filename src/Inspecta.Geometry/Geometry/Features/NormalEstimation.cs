using System.Numerics;
using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Features;

/// <summary>How to choose the neighbourhood for a per-point estimate: a radius, k nearest, or both (hybrid: the k nearest within the radius).</summary>
public readonly record struct Neighbourhood(float Radius, int MaxNeighbours)
{
    public static Neighbourhood WithinRadius(float radius, int maxNeighbours = int.MaxValue) => new(radius, maxNeighbours);
    public static Neighbourhood Nearest(int k) => new(float.PositiveInfinity, k);

    internal NeighbourGraph Search(KdTree tree, float[] positions)
    {
        if (!(Radius > 0)) throw new ArgumentOutOfRangeException(nameof(Radius), $"The neighbourhood radius must be positive, got {Radius}.");
        if (MaxNeighbours < 1) throw new ArgumentOutOfRangeException(nameof(MaxNeighbours), $"The neighbour limit must be at least 1, got {MaxNeighbours}.");
        if (float.IsPositiveInfinity(Radius))
        {
            if (MaxNeighbours == int.MaxValue) throw new ArgumentException("A neighbourhood needs a finite radius or a neighbour count.");
            return tree.RadiusBatch(positions, float.MaxValue, MaxNeighbours);
        }
        return tree.RadiusBatch(positions, Radius, MaxNeighbours);
    }

    public override string ToString() => float.IsPositiveInfinity(Radius) ? $"{MaxNeighbours} nearest" : MaxNeighbours == int.MaxValue ? $"radius {Radius}" : $"radius {Radius}, at most {MaxNeighbours}";
}

/// <summary>
/// Surface normals by PCA: the eigenvector of the smallest eigenvalue of the neighbourhood covariance
/// (neighbourhood includes the point itself), flipped to face a viewpoint. Points with fewer than 3 neighbours
/// get (0, 0, 1) before orientation, as Open3D does; non-finite points get NaN.
/// </summary>
public static class NormalEstimation
{
    /// <summary>Unit normals (interleaved, one per point) oriented towards <paramref name="viewpoint"/> (default: the cloud's viewpoint origin).</summary>
    public static float[] Estimate(PointCloud cloud, Neighbourhood neighbourhood, Vector3? viewpoint = null, KdTree? tree = null, float[]? curvature = null)
    {
        tree ??= new KdTree(cloud.Positions);
        var graph = neighbourhood.Search(tree, cloud.Positions);
        return Estimate(cloud.Positions, graph, viewpoint ?? cloud.Viewpoint.Origin, curvature);
    }

    /// <summary>Normals from precomputed neighbour lists (graph row i = neighbours of point i). <paramref name="curvature"/> (optional) receives λ0/(λ0+λ1+λ2).</summary>
    public static float[] Estimate(float[] positions, NeighbourGraph graph, Vector3 viewpoint, float[]? curvature = null)
    {
        int n = positions.Length / 3;
        if (graph.QueryCount != n) throw new ArgumentException($"The neighbour graph has {graph.QueryCount} rows for {n} points.");
        var normals = new float[3 * n];
        int[] order = SpatialOrder.Morton(positions); // cache-friendly processing order
        Parallel.For(0, (n + 1023) / 1024, b =>
        {
            int end = Math.Min(n, (b + 1) * 1024);
            for (int t = b * 1024; t < end; t++)
            {
                int i = order[t];
                double px = positions[3 * i], py = positions[3 * i + 1], pz = positions[3 * i + 2];
                if (!double.IsFinite(px) || !double.IsFinite(py) || !double.IsFinite(pz))
                {
                    normals[3 * i] = normals[3 * i + 1] = normals[3 * i + 2] = float.NaN;
                    if (curvature is not null) curvature[i] = float.NaN;
                    continue;
                }
                var nb = graph.Neighbours(i);
                double nx = 0, ny = 0, nz = 1, curv = 0;
                if (nb.Length >= 3)
                {
                    double mx = 0, my = 0, mz = 0;
                    foreach (int j in nb) { mx += positions[3 * j]; my += positions[3 * j + 1]; mz += positions[3 * j + 2]; }
                    double inv = 1.0 / nb.Length;
                    mx *= inv; my *= inv; mz *= inv;
                    double c00 = 0, c01 = 0, c02 = 0, c11 = 0, c12 = 0, c22 = 0;
                    foreach (int j in nb)
                    {
                        double dx = positions[3 * j] - mx, dy = positions[3 * j + 1] - my, dz = positions[3 * j + 2] - mz;
                        c00 += dx * dx; c01 += dx * dy; c02 += dx * dz; c11 += dy * dy; c12 += dy * dz; c22 += dz * dz;
                    }
                    (nx, ny, nz) = SymmetricEigen3.SmallestEigenvector(c00 * inv, c01 * inv, c02 * inv, c11 * inv, c12 * inv, c22 * inv, out double l0, out double l1, out double l2);
                    double sum = l0 + l1 + l2;
                    curv = sum > 0 ? Math.Max(0, l0) / sum : 0;
                }
                // Face the viewpoint: flip when the normal points away from it.
                if ((viewpoint.X - px) * nx + (viewpoint.Y - py) * ny + (viewpoint.Z - pz) * nz < 0) { nx = -nx; ny = -ny; nz = -nz; }
                normals[3 * i] = (float)nx; normals[3 * i + 1] = (float)ny; normals[3 * i + 2] = (float)nz;
                if (curvature is not null) curvature[i] = (float)curv;
            }
        });
        return normals;
    }

    /// <summary>Flips existing normals in place so each faces <paramref name="viewpoint"/>.</summary>
    public static void OrientTowards(float[] positions, float[] normals, Vector3 viewpoint)
    {
        for (int i = 0; i < positions.Length / 3; i++)
        {
            float d = (viewpoint.X - positions[3 * i]) * normals[3 * i] + (viewpoint.Y - positions[3 * i + 1]) * normals[3 * i + 1] + (viewpoint.Z - positions[3 * i + 2]) * normals[3 * i + 2];
            if (d < 0) { normals[3 * i] = -normals[3 * i]; normals[3 * i + 1] = -normals[3 * i + 1]; normals[3 * i + 2] = -normals[3 * i + 2]; }
        }
    }
}
