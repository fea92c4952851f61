using System.Numerics.Tensors;

namespace Inspecta.Search;

// TEMPORARY (deep engineer): simple stand-ins for the search engineer's ExactNearestNeighbours and
// GreedyCoreset with the agreed signatures, so PatchCore builds before search lands on main.
// Delete this file when merging main brings the real ones.

public sealed class ExactNearestNeighbours(float[] bank, int count, int dim)
{
    /// <summary>k nearest bank rows per query: Euclidean distances ascending, and their indices.</summary>
    public void Search(ReadOnlySpan<float> queries, int queryCount, int k, Span<float> distances, Span<int> indices)
    {
        var q = queries.ToArray(); var d = new float[queryCount * k]; var ix = new int[queryCount * k];
        Parallel.For(0, queryCount, i =>
        {
            var best = new (float D, int I)[k];
            Array.Fill(best, (float.PositiveInfinity, -1));
            var qi = q.AsSpan(i * dim, dim);
            for (int j = 0; j < count; j++)
            {
                float dd = TensorPrimitives.Distance<float>(qi, bank.AsSpan(j * dim, dim));
                if (dd >= best[k - 1].D) continue;
                int p = k - 1;
                while (p > 0 && best[p - 1].D > dd) { best[p] = best[p - 1]; p--; }
                best[p] = (dd, j);
            }
            for (int t = 0; t < k; t++) { d[i * k + t] = best[t].D; ix[i * k + t] = best[t].I; }
        });
        d.CopyTo(distances); ix.CopyTo(indices);
    }

    public float[] NearestDistances(ReadOnlySpan<float> queries, int queryCount)
    {
        var d = new float[queryCount]; var ix = new int[queryCount];
        Search(queries, queryCount, 1, d, ix);
        return d;
    }
}

public static class GreedyCoreset
{
    public static int[] Select(float[] features, int count, int dim, int targetCount, int seed, int projectionDim = 128,
        int startPoints = 10, IProgress<Detectors.ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        var rng = new Random(seed);
        int pd = Math.Min(projectionDim, dim);
        var proj = new float[dim * pd];
        for (int i = 0; i < proj.Length; i++) proj[i] = (float)(rng.NextDouble() * 2 - 1);
        var p = new float[count * pd];
        Parallel.For(0, count, i =>
        {
            var f = features.AsSpan(i * dim, dim);
            for (int j = 0; j < pd; j++) { float s = 0; for (int t = 0; t < dim; t++) s += f[t] * proj[t * pd + j]; p[i * pd + j] = s; }
        });
        var min = new float[count]; Array.Fill(min, float.PositiveInfinity);
        var selected = new List<int>(targetCount);
        for (int s = 0; s < Math.Min(startPoints, count); s++)
        {
            int c = rng.Next(count);
            Parallel.For(0, count, i => min[i] = Math.Min(min[i], TensorPrimitives.Distance<float>(p.AsSpan(i * pd, pd), p.AsSpan(c * pd, pd))));
        }
        while (selected.Count < targetCount)
        {
            ct.ThrowIfCancellationRequested();
            int c = TensorPrimitives.IndexOfMax<float>(min);
            selected.Add(c);
            Parallel.For(0, count, i => min[i] = Math.Min(min[i], TensorPrimitives.Distance<float>(p.AsSpan(i * pd, pd), p.AsSpan(c * pd, pd))));
            progress?.Report(new Detectors.ProgressUpdate("coreset", selected.Count, targetCount));
        }
        return selected.ToArray();
    }
}
