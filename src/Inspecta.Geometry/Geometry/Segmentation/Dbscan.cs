using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Segmentation;

/// <summary>
/// Density-based clustering (DBSCAN, as Open3D's cluster_dbscan): a point is a core point when at least
/// <c>minPoints</c> points (itself included) lie strictly within <c>eps</c>; clusters are core points connected
/// through such neighbourhoods plus the border points they reach. Noise and non-finite points get -1.
/// Cluster ids are 0, 1, … in order of their lowest point index (deterministic).
/// Memory stays O(n·minPoints): neighbourhoods are searched on the fly, never stored (dense scans can have
/// thousands of points within eps).
/// </summary>
public static class Dbscan
{
    public static int[] Cluster(float[] positions, float eps, int minPoints, KdTree? tree = null)
    {
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), "eps must be positive.");
        ArgumentOutOfRangeException.ThrowIfLessThan(minPoints, 1);
        int n = positions.Length / 3;
        tree ??= new KdTree(positions);
        // Core test: are the minPoints nearest all strictly within eps?
        var idx = new int[(long)n * minPoints];
        var d2 = new float[idx.Length];
        tree.KnnBatch(positions, minPoints, idx, d2, eps);
        var core = new bool[n];
        for (int i = 0; i < n; i++) core[i] = idx[(long)i * minPoints + minPoints - 1] >= 0;

        var labels = new int[n];
        Array.Fill(labels, -1);
        var queue = new Queue<int>();
        var list = new NeighbourList(256);
        int next = 0;
        for (int seed = 0; seed < n; seed++)
        {
            if (labels[seed] >= 0 || !core[seed]) continue;
            int id = next++;
            labels[seed] = id;
            queue.Enqueue(seed);
            while (queue.Count > 0)
            {
                int p = queue.Dequeue(); // only core points are queued
                tree.Radius(positions[3 * p], positions[3 * p + 1], positions[3 * p + 2], eps, list);
                foreach (int q in list.Indices)
                {
                    if (labels[q] >= 0) continue;
                    labels[q] = id;
                    if (core[q]) queue.Enqueue(q); // border points join but do not expand
                }
            }
        }
        return labels;
    }
}
