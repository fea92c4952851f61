using System.Numerics;
using Inspecta.Geometry.Features;

namespace Inspecta.Geometry.Registration;

/// <summary>A plane n·p + d = 0 with unit normal n.</summary>
public readonly record struct Plane(Vector3 Normal, float D)
{
    public float SignedDistance(float x, float y, float z) => Normal.X * x + Normal.Y * y + Normal.Z * z + D;
}

/// <summary>A fitted plane with the indices of its inliers (ascending).</summary>
public sealed record PlaneFitResult(Plane Plane, int[] Inliers);

/// <summary>Plane fitting: RANSAC on 3-point samples, refined by least squares (PCA) on the inliers.</summary>
public static class PlaneFit
{
    /// <summary>
    /// The plane with most points within <paramref name="distanceThreshold"/>. Only <paramref name="candidates"/> (default: all
    /// finite points) take part, e.g. the border pixels of an MVTec 3D-AD scan to find the background. Deterministic for a seed.
    /// </summary>
    public static PlaneFitResult Ransac(float[] positions, float distanceThreshold, int iterations = 1000, int seed = 0, ReadOnlySpan<int> candidates = default)
    {
        if (!(distanceThreshold > 0)) throw new ArgumentOutOfRangeException(nameof(distanceThreshold), "The inlier distance must be positive.");
        int[] pool = candidates.IsEmpty ? FiniteIndices(positions) : FilterFinite(positions, candidates);
        if (pool.Length < 3) throw new InspectaUserException($"Plane fitting needs at least 3 valid points, got {pool.Length}.");
        var rnd = new Random(seed);
        // Score hypotheses on a fixed random subset: the count ranking is the same in expectation and much cheaper.
        int[] scoring = pool.Length <= 20000 ? pool : Enumerable.Range(0, 20000).Select(_ => pool[rnd.Next(pool.Length)]).ToArray();
        Plane best = default; int bestCount = -1;
        for (int it = 0; it < iterations; it++)
        {
            int a = pool[rnd.Next(pool.Length)], b = pool[rnd.Next(pool.Length)], c = pool[rnd.Next(pool.Length)];
            if (a == b || b == c || a == c) continue;
            var pa = P(positions, a); var pb = P(positions, b); var pc = P(positions, c);
            var n = Vector3.Cross(pb - pa, pc - pa);
            float len = n.Length();
            if (!(len > 1e-12f)) continue;
            n /= len;
            var plane = new Plane(n, -Vector3.Dot(n, pa));
            int count = 0;
            foreach (int i in scoring) if (MathF.Abs(plane.SignedDistance(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])) < distanceThreshold) count++;
            if (count > bestCount) { bestCount = count; best = plane; }
        }
        if (bestCount < 0) throw new InspectaUserException("Plane fitting failed: all sampled points are collinear.");
        var inliers = Inliers(positions, pool, best, distanceThreshold);
        // Refine by least squares on the inliers, then collect the inliers of the refined plane.
        var refined = LeastSquares(positions, inliers);
        var refinedInliers = Inliers(positions, pool, refined, distanceThreshold);
        if (refinedInliers.Length >= inliers.Length) { best = refined; inliers = refinedInliers; }
        return new PlaneFitResult(best, inliers);
    }

    /// <summary>Least-squares plane (through the centroid, normal = smallest principal axis) of the given points.</summary>
    public static Plane LeastSquares(float[] positions, ReadOnlySpan<int> indices)
    {
        if (indices.Length < 3) throw new ArgumentException("A plane needs at least 3 points.");
        double mx = 0, my = 0, mz = 0;
        foreach (int i in indices) { mx += positions[3 * i]; my += positions[3 * i + 1]; mz += positions[3 * i + 2]; }
        mx /= indices.Length; my /= indices.Length; mz /= indices.Length;
        double c00 = 0, c01 = 0, c02 = 0, c11 = 0, c12 = 0, c22 = 0;
        foreach (int i in indices)
        {
            double dx = positions[3 * i] - mx, dy = positions[3 * i + 1] - my, dz = positions[3 * i + 2] - mz;
            c00 += dx * dx; c01 += dx * dy; c02 += dx * dz; c11 += dy * dy; c12 += dy * dz; c22 += dz * dz;
        }
        var (nx, ny, nz) = SymmetricEigen3.SmallestEigenvector(c00, c01, c02, c11, c12, c22, out _, out _, out _);
        return new Plane(new Vector3((float)nx, (float)ny, (float)nz), (float)-(nx * mx + ny * my + nz * mz));
    }

    /// <summary>Indices (ascending) of all finite points within <paramref name="distanceThreshold"/> of the plane.</summary>
    public static int[] Inliers(float[] positions, Plane plane, float distanceThreshold) => Inliers(positions, FiniteIndices(positions), plane, distanceThreshold);

    private static int[] Inliers(float[] positions, int[] pool, Plane plane, float threshold)
    {
        var list = new List<int>();
        foreach (int i in pool) if (MathF.Abs(plane.SignedDistance(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])) < threshold) list.Add(i);
        list.Sort();
        return list.ToArray();
    }

    private static Vector3 P(float[] p, int i) => new(p[3 * i], p[3 * i + 1], p[3 * i + 2]);

    private static bool Finite(float[] p, int i) => float.IsFinite(p[3 * i]) && float.IsFinite(p[3 * i + 1]) && float.IsFinite(p[3 * i + 2]);

    private static int[] FiniteIndices(float[] p)
    {
        var list = new List<int>(p.Length / 3);
        for (int i = 0; i < p.Length / 3; i++) if (Finite(p, i)) list.Add(i);
        return list.ToArray();
    }

    private static int[] FilterFinite(float[] p, ReadOnlySpan<int> candidates)
    {
        var list = new List<int>(candidates.Length);
        foreach (int i in candidates) if (Finite(p, i)) list.Add(i);
        return list.ToArray();
    }
}
