using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Registration;

public sealed record GlobalRegistrationOptions
{
    /// <summary>A correspondence is an inlier when the transformed source point lands within this distance of its target (required).</summary>
    public required float MaxCorrespondenceDistance { get; init; }
    public int MaxIterations { get; init; } = 100_000;
    /// <summary>Stop once this confidence of having drawn an all-inlier sample is reached.</summary>
    public double Confidence { get; init; } = 0.999;
    /// <summary>Reject samples whose source and target edge lengths differ by more than this ratio (Open3D's edge-length checker).</summary>
    public double EdgeLengthSimilarity { get; init; } = 0.9;
    /// <summary>Keep only correspondences that are nearest neighbours in feature space both ways.</summary>
    public bool MutualFilter { get; init; }
    public int Seed { get; init; }
    /// <summary>Refine with ICP (point-to-plane when both clouds have normals) after RANSAC.</summary>
    public bool RefineWithIcp { get; init; } = true;
    public int IcpIterations { get; init; } = 30;
}

/// <summary>
/// Global registration without an initial guess: correspondences by nearest FPFH descriptors, 3-point RANSAC with
/// edge-length checks scoring correspondence inliers, a least-squares fit on the best inlier set, then ICP.
/// </summary>
public static class GlobalRegistration
{
    public static RegistrationResult Ransac(PointCloud source, PointCloud target, float[] sourceFeatures, float[] targetFeatures, int featureDimensions, GlobalRegistrationOptions options)
    {
        if (sourceFeatures.Length != source.Count * featureDimensions || targetFeatures.Length != target.Count * featureDimensions)
            throw new ArgumentException("Feature arrays must hold one descriptor per point.");
        var sp = source.Positions; var tp = target.Positions;
        var (srcIdx, tgtIdx) = Correspondences(sourceFeatures, targetFeatures, featureDimensions, options.MutualFilter, sp, tp);
        int m = srcIdx.Length;
        if (m < 3) throw new InspectaUserException($"Global registration found only {m} feature correspondences; at least 3 are needed.");

        var rnd = new Random(options.Seed);
        double thr2 = (double)options.MaxCorrespondenceDistance * options.MaxCorrespondenceDistance;
        int bestInliers = -1; double bestErr = double.MaxValue; RigidTransform best = RigidTransform.Identity;
        long needed = options.MaxIterations;
        Span<int> s3 = stackalloc int[3];
        Span<int> t3 = stackalloc int[3];
        for (long it = 0; it < Math.Min(needed, options.MaxIterations); it++)
        {
            int a = rnd.Next(m), b = rnd.Next(m), c = rnd.Next(m);
            if (a == b || b == c || a == c) continue;
            s3[0] = srcIdx[a]; s3[1] = srcIdx[b]; s3[2] = srcIdx[c];
            t3[0] = tgtIdx[a]; t3[1] = tgtIdx[b]; t3[2] = tgtIdx[c];
            if (!EdgesAgree(sp, tp, s3, t3, options.EdgeLengthSimilarity)) continue;
            var T = RigidFit.PointToPoint(sp, s3, tp, t3);
            int inliers = 0; double err = 0;
            for (int k = 0; k < m; k++)
            {
                double d2 = Dist2(T, sp, srcIdx[k], tp, tgtIdx[k]);
                if (d2 < thr2) { inliers++; err += d2; }
            }
            if (inliers > bestInliers || (inliers == bestInliers && err < bestErr))
            {
                bestInliers = inliers; bestErr = err; best = T;
                double w = (double)inliers / m;
                double pAll = Math.Pow(w, 3);
                if (pAll >= 1) needed = it + 1;
                else if (pAll > 0) needed = (long)Math.Min(options.MaxIterations, Math.Ceiling(Math.Log(1 - options.Confidence) / Math.Log(1 - pAll)));
            }
        }
        if (bestInliers < 3) throw new InspectaUserException("Global registration failed: no consistent 3-point sample was found.");

        // Least squares on every inlier correspondence of the best hypothesis.
        var inS = new List<int>(); var inT = new List<int>();
        for (int k = 0; k < m; k++)
            if (Dist2(best, sp, srcIdx[k], tp, tgtIdx[k]) < thr2) { inS.Add(srcIdx[k]); inT.Add(tgtIdx[k]); }
        best = RigidFit.PointToPoint(sp, inS.ToArray(), tp, inT.ToArray());

        var tree = new KdTree(tp);
        if (!options.RefineWithIcp) return Icp.Evaluate(source, target, best, options.MaxCorrespondenceDistance, tree);
        return Icp.Register(source, target, new IcpOptions
        {
            MaxCorrespondenceDistance = options.MaxCorrespondenceDistance,
            Method = source.Normals is not null && target.Normals is not null ? IcpMethod.PointToPlane : IcpMethod.PointToPoint,
            MaxIterations = options.IcpIterations,
            Initial = best,
        }, tree);
    }

    /// <summary>For each (finite) source point, the target point with the nearest descriptor (exact, brute force, parallel).</summary>
    public static (int[] Source, int[] Target) Correspondences(float[] sourceFeatures, float[] targetFeatures, int dims, bool mutual, float[] sourcePositions, float[] targetPositions)
    {
        int ns = sourceFeatures.Length / dims;
        var forward = NearestDescriptor(sourceFeatures, targetFeatures, dims, targetPositions);
        int[]? backward = mutual ? NearestDescriptor(targetFeatures, sourceFeatures, dims, sourcePositions) : null;
        var s = new List<int>(ns); var t = new List<int>(ns);
        for (int i = 0; i < ns; i++)
        {
            int j = forward[i];
            if (j < 0 || !Finite(sourcePositions, i) || !Finite(sourceFeatures.AsSpan(i * dims, dims))) continue;
            if (backward is not null && backward[j] != i) continue;
            s.Add(i); t.Add(j);
        }
        return (s.ToArray(), t.ToArray());
    }

    private static int[] NearestDescriptor(float[] queries, float[] data, int dims, float[] dataPositions)
    {
        int nq = queries.Length / dims, nd = data.Length / dims;
        var result = new int[nq];
        Parallel.For(0, (nq + 63) / 64, b =>
        {
            int end = Math.Min(nq, (b + 1) * 64);
            for (int i = b * 64; i < end; i++)
            {
                var q = queries.AsSpan(i * dims, dims);
                float best = float.PositiveInfinity; int bi = -1;
                for (int j = 0; j < nd; j++)
                {
                    if (!Finite(dataPositions, j)) continue;
                    float d = System.Numerics.Tensors.TensorPrimitives.Distance<float>(q, data.AsSpan(j * dims, dims));
                    if (d < best) { best = d; bi = j; }
                }
                result[i] = bi;
            }
        });
        return result;
    }

    private static bool EdgesAgree(float[] sp, float[] tp, ReadOnlySpan<int> s, ReadOnlySpan<int> t, double similarity)
    {
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
            {
                double ds = Math.Sqrt(D2(sp, s[a], s[b])), dt = Math.Sqrt(D2(tp, t[a], t[b]));
                if (ds < dt * similarity || dt < ds * similarity) return false;
            }
        return true;
    }

    private static double D2(float[] p, int a, int b)
    {
        double dx = p[3 * a] - p[3 * b], dy = p[3 * a + 1] - p[3 * b + 1], dz = p[3 * a + 2] - p[3 * b + 2];
        return dx * dx + dy * dy + dz * dz;
    }

    private static double Dist2(RigidTransform T, float[] sp, int i, float[] tp, int j)
    {
        var (x, y, z) = T.Apply(sp[3 * i], sp[3 * i + 1], sp[3 * i + 2]);
        double dx = x - tp[3 * j], dy = y - tp[3 * j + 1], dz = z - tp[3 * j + 2];
        return dx * dx + dy * dy + dz * dz;
    }

    private static bool Finite(float[] p, int i) => float.IsFinite(p[3 * i]) && float.IsFinite(p[3 * i + 1]) && float.IsFinite(p[3 * i + 2]);

    private static bool Finite(ReadOnlySpan<float> v)
    {
        foreach (float x in v) if (!float.IsFinite(x)) return false;
        return true;
    }
}
