using System.Numerics.Tensors;
using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Features;

/// <summary>How neighbour SPFHs are weighted in FPFH.</summary>
public enum FpfhWeighting
{
    /// <summary>1/‖p−q‖², what PCL and Open3D compute (their search returns squared distances). Default.</summary>
    InverseSquaredDistance,
    /// <summary>1/‖p−q‖, the formula as printed in Rusu et al. 2009.</summary>
    InverseDistance,
}

/// <summary>
/// Fast Point Feature Histograms (Rusu et al. 2009), 33 values per point, as Open3D's ComputeFPFHFeature defines them:
/// <list type="bullet">
/// <item>Neighbours of p: the points strictly within the radius (at most max_nn nearest), p itself included and skipped.</item>
/// <item>Pair (p, q) in a Darboux frame: source is the point whose normal makes the smaller angle with the line p→q;
/// α = atan2(w·n_t, u·n_t), φ = v·n_t, θ = u·(p_t − p_s)/d — binned into 11 bins each over [−π, π], [−1, 1], [−1, 1].
/// Coincident points or a line parallel to the source normal give all-zero features (counted in the middle bins).</item>
/// <item>SPFH(p): each pair adds 100/(neighbours) to one bin per group (so each group sums to 100).</item>
/// <item>FPFH(p) = SPFH(p) + Σ_q w(q)·SPFH(q), the sum renormalised so each 11-bin group sums to 100; w = 1/‖p−q‖² (PCL/Open3D)
/// and coincident neighbours skipped. Each group of the result sums to 200; a point without neighbours gets zeros;
/// a non-finite point gets NaN.</item>
/// </list>
/// Arithmetic is in double precision like Open3D; the result is stored as float32 (point-major, 33 per point).
/// </summary>
public static class Fpfh
{
    public const int Dimensions = 33;
    public const int BinsPerAngle = 11;

    /// <summary>FPFH of every point of a cloud that has normals.</summary>
    public static float[] Compute(PointCloud cloud, float radius, int maxNeighbours = int.MaxValue, FpfhWeighting weighting = FpfhWeighting.InverseSquaredDistance, KdTree? tree = null)
    {
        var normals = cloud.Normals ?? throw new ArgumentException("FPFH needs normals: estimate them first (NormalEstimation.Estimate).", nameof(cloud));
        tree ??= new KdTree(cloud.Positions);
        var graph = Neighbourhood.WithinRadius(radius, maxNeighbours).Search(tree, cloud.Positions);
        return Compute(cloud.Positions, normals, graph, weighting);
    }

    /// <summary>FPFH from precomputed neighbour lists (row i: neighbours of point i sorted by distance, i itself first).</summary>
    public static float[] Compute(float[] positions, float[] normals, NeighbourGraph graph, FpfhWeighting weighting = FpfhWeighting.InverseSquaredDistance)
    {
        int n = positions.Length / 3;
        if (normals.Length != positions.Length) throw new ArgumentException("Positions and normals differ in length.");
        if (graph.QueryCount != n) throw new ArgumentException($"The neighbour graph has {graph.QueryCount} rows for {n} points.");
        var spfh = new double[(long)n * Dimensions];
        const int block = 512;
        int blocks = (n + block - 1) / block;
        // Spatially coherent processing order: neighbours' SPFH rows are then mostly in cache.
        int[] order = SpatialOrder.Morton(positions);
        Parallel.For(0, blocks, b =>
        {
            int end = Math.Min(n, (b + 1) * block);
            for (int t = b * block; t < end; t++)
            {
                int i = order[t];
                Spfh(positions, normals, i, graph.Neighbours(i), spfh.AsSpan(i * Dimensions, Dimensions));
            }
        });

        var result = new float[(long)n * Dimensions];
        Parallel.For(0, blocks, b =>
        {
            Span<double> acc = stackalloc double[Dimensions];
            int end = Math.Min(n, (b + 1) * block);
            for (int t = b * block; t < end; t++)
            {
                int i = order[t];
                var output = result.AsSpan(i * Dimensions, Dimensions);
                if (!IsFinite(positions, i)) { output.Fill(float.NaN); continue; }
                var nb = graph.Neighbours(i);
                if (nb.Length <= 1) continue; // no neighbours: zeros, as Open3D
                acc.Clear();
                double px = positions[3 * i], py = positions[3 * i + 1], pz = positions[3 * i + 2];
                for (int k = 1; k < nb.Length; k++)
                {
                    int j = nb[k];
                    double dx = positions[3 * j] - px, dy = positions[3 * j + 1] - py, dz = positions[3 * j + 2] - pz;
                    double d2 = dx * dx + dy * dy + dz * dz;
                    if (d2 == 0) continue;
                    double w = weighting == FpfhWeighting.InverseSquaredDistance ? 1.0 / d2 : 1.0 / Math.Sqrt(d2);
                    TensorPrimitives.MultiplyAdd(spfh.AsSpan(j * Dimensions, Dimensions), w, acc, acc);
                }
                var own = spfh.AsSpan(i * Dimensions, Dimensions);
                for (int g = 0; g < 3; g++)
                {
                    var group = acc.Slice(g * BinsPerAngle, BinsPerAngle);
                    double sum = TensorPrimitives.Sum<double>(group);
                    double scale = sum != 0 ? 100.0 / sum : 0;
                    for (int bin = 0; bin < BinsPerAngle; bin++)
                        output[g * BinsPerAngle + bin] = (float)(group[bin] * scale + own[g * BinsPerAngle + bin]);
                }
            }
        });
        return result;
    }

    private static bool IsFinite(float[] p, int i) => float.IsFinite(p[3 * i]) && float.IsFinite(p[3 * i + 1]) && float.IsFinite(p[3 * i + 2]);

    /// <summary>SPFH of point i over its neighbours (nb[0] is i itself and is skipped).</summary>
    private static void Spfh(float[] positions, float[] normals, int i, ReadOnlySpan<int> nb, Span<double> hist)
    {
        if (nb.Length <= 1 || !IsFinite(positions, i)) return;
        double increment = 100.0 / (nb.Length - 1);
        double px = positions[3 * i], py = positions[3 * i + 1], pz = positions[3 * i + 2];
        double nx = normals[3 * i], ny = normals[3 * i + 1], nz = normals[3 * i + 2];
        for (int k = 1; k < nb.Length; k++)
        {
            int j = nb[k];
            var (f0, f1, f2) = PairFeatures(px, py, pz, nx, ny, nz,
                positions[3 * j], positions[3 * j + 1], positions[3 * j + 2], normals[3 * j], normals[3 * j + 1], normals[3 * j + 2]);
            hist[Bin(Math.Floor(BinsPerAngle * (f0 + Math.PI) / (2.0 * Math.PI)))] += increment;
            hist[BinsPerAngle + Bin(Math.Floor(BinsPerAngle * (f1 + 1.0) * 0.5))] += increment;
            hist[2 * BinsPerAngle + Bin(Math.Floor(BinsPerAngle * (f2 + 1.0) * 0.5))] += increment;
        }
    }

    private static int Bin(double floor) => floor < 0 ? 0 : floor >= BinsPerAngle ? BinsPerAngle - 1 : (int)floor;

    /// <summary>
    /// The Darboux-frame angles of a point pair: (α, φ, θ) = (atan2(w·n_t, u·n_t), v·n_t, u·d/‖d‖), where the source
    /// (normal u, d = p_t − p_s) is the point whose normal is more nearly parallel to the connecting line; v = d × u
    /// normalised, w = u × v. All zero for coincident points or when d is parallel to u.
    /// </summary>
    public static (double Alpha, double Phi, double Theta) PairFeatures(
        double p1x, double p1y, double p1z, double n1x, double n1y, double n1z,
        double p2x, double p2y, double p2z, double n2x, double n2y, double n2z)
    {
        double dx = p2x - p1x, dy = p2y - p1y, dz = p2z - p1z;
        double dist = Math.Sqrt(dx * dx + dy * dy + dz * dz);
        if (dist == 0.0) return (0, 0, 0);
        double angle1 = (n1x * dx + n1y * dy + n1z * dz) / dist;
        double angle2 = (n2x * dx + n2y * dy + n2z * dz) / dist;
        double theta;
        // Open3D's test is acos(|a1|) > acos(|a2|). acos is decreasing, so this means |a1| < |a2|; acos is only
        // evaluated when the two are so close that its rounding could make them compare equal.
        double gap = Math.Abs(angle2) - Math.Abs(angle1);
        if (gap > 1e-9 || (gap > 0 && Math.Acos(Math.Abs(angle1)) > Math.Acos(Math.Abs(angle2))))
        {
            // The second point is the source: swap roles and reverse the connecting line.
            (n1x, n1y, n1z, n2x, n2y, n2z) = (n2x, n2y, n2z, n1x, n1y, n1z);
            dx = -dx; dy = -dy; dz = -dz;
            theta = -angle2;
        }
        else theta = angle1;
        // v = d × u
        double vx = dy * n1z - dz * n1y, vy = dz * n1x - dx * n1z, vz = dx * n1y - dy * n1x;
        double vNorm = Math.Sqrt(vx * vx + vy * vy + vz * vz);
        if (vNorm == 0.0) return (0, 0, 0);
        vx /= vNorm; vy /= vNorm; vz /= vNorm;
        // w = u × v
        double wx = n1y * vz - n1z * vy, wy = n1z * vx - n1x * vz, wz = n1x * vy - n1y * vx;
        double phi = vx * n2x + vy * n2y + vz * n2z;
        double alpha = Math.Atan2(wx * n2x + wy * n2y + wz * n2z, n1x * n2x + n1y * n2y + n1z * n2z);
        return (alpha, phi, theta);
    }
}
