using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Segmentation;

/// <summary>
/// Density-based clustering (DBSCAN, as Open3D's cluster_dbscan): a point is a core point when at least
/// <c>minPoints</c> points (itself included) lie strictly within <c>eps</c>; clusters are core points connected
/// through such neighbourhoods plus the border points they reach. Noise and non-finite points get -1.
/// Cluster ids are 0, 1, … in order of their lowest point index (deterministic).
/// </summary>
public static class Dbscan
{
    public static int[] Cluster(float[] positions, float eps, int minPoints, KdTree? tree = null)
    {
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), "eps must be positive.");
        ArgumentOutOfRangeException.ThrowIfLessThan(minPoints, 1);
        int n = positions.Length / 3;
        tree ??= new KdTree(positions);
        var graph = tree.RadiusBatch(positions, eps);
        var labels = new int[n];
        Array.Fill(labels, -1);
        var queue = new Queue<int>();
        int next = 0;
        for (int seed = 0; seed < n; seed++)
        {
            if (labels[seed] >= 0 || graph.Count(seed) < minPoints) continue;
            int id = next++;
            labels[seed] = id;
            queue.Enqueue(seed);
            while (queue.Count > 0)
            {
                int p = queue.Dequeue();
                if (graph.Count(p) < minPoints) continue; // border point: belongs, but does not expand
                foreach (int q in graph.Neighbours(p))
                {
                    if (labels[q] >= 0) continue;
                    labels[q] = id;
                    queue.Enqueue(q);
                }
            }
        }
        return labels;
    }
}
