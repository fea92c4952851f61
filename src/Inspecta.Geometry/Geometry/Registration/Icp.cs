using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Registration;

/// <summary>Outcome of a registration: the transform taking the source onto the target, and how well it fits.</summary>
/// <param name="Fitness">Share of source points with a target point within the correspondence distance.</param>
/// <param name="InlierRmse">RMS distance of those correspondences.</param>
public sealed record RegistrationResult(RigidTransform Transform, double Fitness, double InlierRmse, int Correspondences, int Iterations);

public enum IcpMethod { PointToPoint, PointToPlane }

public sealed record IcpOptions
{
    /// <summary>Pairs farther apart than this are ignored (required; scale-dependent).</summary>
    public required float MaxCorrespondenceDistance { get; init; }
    public IcpMethod Method { get; init; } = IcpMethod.PointToPoint;
    public int MaxIterations { get; init; } = 30;
    /// <summary>Stop when fitness and RMSE both change by less than these between iterations (as Open3D's criteria).</summary>
    public double RelativeFitness { get; init; } = 1e-6;
    public double RelativeRmse { get; init; } = 1e-6;
    public RigidTransform Initial { get; init; } = RigidTransform.Identity;
}

/// <summary>Iterative closest point: point-to-point (Kabsch each step) or point-to-plane (linearised, needs target normals).</summary>
public static class Icp
{
    public static RegistrationResult Register(PointCloud source, PointCloud target, IcpOptions options, KdTree? targetTree = null)
    {
        if (!(options.MaxCorrespondenceDistance > 0)) throw new ArgumentOutOfRangeException(nameof(options), "MaxCorrespondenceDistance must be positive.");
        if (options.Method == IcpMethod.PointToPlane && target.Normals is null) throw new ArgumentException("Point-to-plane ICP needs target normals.", nameof(target));
        targetTree ??= new KdTree(target.Positions);
        var transform = options.Initial;
        var moved = new float[source.Positions.Length];
        var srcIdx = new int[source.Count];
        var tgtIdx = new int[source.Count];
        var d2 = new float[source.Count];
        double prevFitness = 0, prevRmse = 0;
        int iterations = 0;
        var (fitness, rmse, count) = Correspond(source.Positions, transform, targetTree, options.MaxCorrespondenceDistance, moved, srcIdx, tgtIdx, d2);
        for (int it = 0; it < options.MaxIterations && count >= 3; it++)
        {
            iterations++;
            var step = options.Method == IcpMethod.PointToPoint
                ? RigidFit.PointToPoint(moved, srcIdx.AsSpan(0, count), target.Positions, tgtIdx.AsSpan(0, count))
                : RigidFit.PointToPlaneStep(moved, srcIdx.AsSpan(0, count), target.Positions, target.Normals!, tgtIdx.AsSpan(0, count));
            transform = step.After(transform);
            prevFitness = fitness; prevRmse = rmse;
            (fitness, rmse, count) = Correspond(source.Positions, transform, targetTree, options.MaxCorrespondenceDistance, moved, srcIdx, tgtIdx, d2);
            if (Math.Abs(fitness - prevFitness) < options.RelativeFitness && Math.Abs(rmse - prevRmse) < options.RelativeRmse) break;
        }
        return new RegistrationResult(transform, fitness, rmse, count, iterations);
    }

    /// <summary>How well <paramref name="transform"/> maps the source onto the target (fitness, inlier RMSE).</summary>
    public static RegistrationResult Evaluate(PointCloud source, PointCloud target, RigidTransform transform, float maxCorrespondenceDistance, KdTree? targetTree = null)
    {
        targetTree ??= new KdTree(target.Positions);
        var moved = new float[source.Positions.Length];
        var (f, r, c) = Correspond(source.Positions, transform, targetTree, maxCorrespondenceDistance, moved, new int[source.Count], new int[source.Count], new float[source.Count]);
        return new RegistrationResult(transform, f, r, c, 0);
    }

    private static (double Fitness, double Rmse, int Count) Correspond(float[] source, RigidTransform t, KdTree tree, float maxDist,
        float[] moved, int[] srcIdx, int[] tgtIdx, float[] d2)
    {
        int n = source.Length / 3;
        for (int i = 0; i < n; i++)
        {
            var (x, y, z) = t.Apply(source[3 * i], source[3 * i + 1], source[3 * i + 2]);
            moved[3 * i] = (float)x; moved[3 * i + 1] = (float)y; moved[3 * i + 2] = (float)z;
        }
        var nearest = new int[n];
        tree.KnnBatch(moved, 1, nearest, d2, maxDist);
        int count = 0;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            if (nearest[i] < 0) continue;
            srcIdx[count] = i; tgtIdx[count] = nearest[i]; count++;
            sum += d2[i];
        }
        return (n == 0 ? 0 : (double)count / n, count == 0 ? 0 : Math.Sqrt(sum / count), count);
    }
}
