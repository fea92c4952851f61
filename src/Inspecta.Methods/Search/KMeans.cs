using System.Numerics.Tensors;

namespace Inspecta.Search;

/// <summary>Result of <see cref="KMeans.Fit"/>: K × D centres, each sample's centre, and the sum of squared distances.</summary>
public sealed record KMeansResult(float[] Centres, int Clusters, int Dimension, int[] Assignment, double Inertia);

/// <summary>
/// Lloyd's k-means with k-means++ seeding (Arthur &amp; Vassilvitskii), deterministic for a seed.
/// Samples are rows of a row-major N × D float array. Empty clusters are re-seeded at the sample
/// farthest from its centre.
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(float[] data, int dimension, int clusters, int seed, int maxIterations = 100, CancellationToken ct = default)
    {
        int n = data.Length / dimension, d = dimension;
        if (n < 1 || data.Length != n * d) throw new ArgumentException($"Need at least one sample of dimension {d}.", nameof(data));
        if (clusters < 1 || clusters > n) throw new ArgumentOutOfRangeException(nameof(clusters), $"Cannot make {clusters} clusters from {n} samples.");
        var rng = new Random(seed);
        var centres = SeedPlusPlus(data, d, clusters, rng);
        var assignment = new int[n];
        var distances = new float[n];
        double inertia = Assign(data, d, centres, clusters, assignment, distances);
        for (int iter = 0; iter < maxIterations; iter++)
        {
            ct.ThrowIfCancellationRequested();
            UpdateCentres(data, d, clusters, assignment, distances, centres);
            var previous = (int[])assignment.Clone();
            inertia = Assign(data, d, centres, clusters, assignment, distances);
            if (assignment.AsSpan().SequenceEqual(previous)) break;
        }
        return new KMeansResult(centres, clusters, d, assignment, inertia);
    }

    /// <summary>k-means++: each next centre is drawn with probability proportional to the squared distance to the nearest chosen one.</summary>
    public static float[] SeedPlusPlus(float[] data, int dimension, int clusters, Random rng)
    {
        int n = data.Length / dimension, d = dimension;
        var centres = new float[clusters * d];
        data.AsSpan(rng.Next(n) * d, d).CopyTo(centres);
        var dist = new double[n];
        for (int i = 0; i < n; i++) dist[i] = Squared(data.AsSpan(i * d, d), centres.AsSpan(0, d));
        for (int c = 1; c < clusters; c++)
        {
            double total = 0;
            foreach (double v in dist) total += v;
            int pick = rng.Next(n);
            if (total > 0)
            {
                double target = rng.NextDouble() * total, acc = 0;
                for (int i = 0; i < n; i++) { acc += dist[i]; if (acc >= target) { pick = i; break; } }
            }
            data.AsSpan(pick * d, d).CopyTo(centres.AsSpan(c * d, d));
            for (int i = 0; i < n; i++) dist[i] = Math.Min(dist[i], Squared(data.AsSpan(i * d, d), centres.AsSpan(c * d, d)));
        }
        return centres;
    }

    /// <summary>Nearest centre of every sample; returns the total squared distance (inertia).</summary>
    public static double Assign(float[] data, int dimension, float[] centres, int clusters, int[] assignment, float[] squaredDistance)
    {
        int n = data.Length / dimension, d = dimension;
        Parallel.For(0, n, i =>
        {
            int best = 0; float bestDist = float.PositiveInfinity;
            for (int c = 0; c < clusters; c++)
            {
                float e = (float)Squared(data.AsSpan(i * d, d), centres.AsSpan(c * d, d));
                if (e < bestDist) { bestDist = e; best = c; }
            }
            assignment[i] = best;
            squaredDistance[i] = bestDist;
        });
        double total = 0;
        foreach (float v in squaredDistance) total += v;
        return total;
    }

    private static void UpdateCentres(float[] data, int d, int k, int[] assignment, float[] distances, float[] centres)
    {
        int n = assignment.Length;
        var sums = new double[k * d];
        var counts = new int[k];
        for (int i = 0; i < n; i++)
        {
            int c = assignment[i]; counts[c]++;
            for (int j = 0; j < d; j++) sums[c * d + j] += data[i * d + j];
        }
        for (int c = 0; c < k; c++)
        {
            if (counts[c] == 0)
            {
                // Re-seed an empty cluster at the worst-served sample, and stop it being picked twice.
                int far = 0;
                for (int i = 1; i < n; i++) if (distances[i] > distances[far]) far = i;
                data.AsSpan(far * d, d).CopyTo(centres.AsSpan(c * d, d));
                distances[far] = 0;
                continue;
            }
            for (int j = 0; j < d; j++) centres[c * d + j] = (float)(sums[c * d + j] / counts[c]);
        }
    }

    private static double Squared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double e = TensorPrimitives.Distance(a, b);
        return e * e;
    }
}
