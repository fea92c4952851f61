namespace Inspecta.Geometry.Sampling;

/// <summary>Farthest-point sampling: greedily picks the point farthest from those already chosen.</summary>
public static class FarthestPointSampling
{
    private const int Chunk = 8192;

    /// <summary>
    /// Indices of <paramref name="count"/> well-spread points (interleaved xyz), starting at <paramref name="startIndex"/>.
    /// Non-finite points are never chosen. Returns fewer when there are fewer finite points. Deterministic: ties go to the lowest index.
    /// </summary>
    public static int[] Sample(ReadOnlySpan<float> positions, int count, int startIndex = 0)
    {
        int n = positions.Length / 3;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var p = positions.ToArray();
        var minD = new float[n];
        int finite = 0;
        for (int i = 0; i < n; i++)
        {
            bool ok = float.IsFinite(p[3 * i]) && float.IsFinite(p[3 * i + 1]) && float.IsFinite(p[3 * i + 2]);
            minD[i] = ok ? float.PositiveInfinity : float.NegativeInfinity; // non-finite points can never win
            if (ok) finite++;
        }
        count = Math.Min(count, finite);
        var chosen = new int[count];
        if (count == 0) return chosen;
        if ((uint)startIndex >= (uint)n || float.IsNegativeInfinity(minD[startIndex]))
            startIndex = Array.FindIndex(minD, d => d == float.PositiveInfinity);
        int chunks = (n + Chunk - 1) / Chunk;
        var bestIdx = new int[chunks];
        var bestD = new float[chunks];
        int current = startIndex;
        for (int s = 0; s < count; s++)
        {
            chosen[s] = current;
            minD[current] = float.NegativeInfinity;
            float cx = p[3 * current], cy = p[3 * current + 1], cz = p[3 * current + 2];
            void Update(int c)
            {
                int end = Math.Min(n, (c + 1) * Chunk);
                float best = float.NegativeInfinity; int bi = -1;
                for (int i = c * Chunk; i < end; i++)
                {
                    float d0 = minD[i];
                    if (d0 == float.NegativeInfinity) continue;
                    float dx = p[3 * i] - cx, dy = p[3 * i + 1] - cy, dz = p[3 * i + 2] - cz;
                    float d = dx * dx + dy * dy + dz * dz;
                    if (d < d0) { d0 = d; minD[i] = d; }
                    if (d0 > best) { best = d0; bi = i; }
                }
                bestD[c] = best; bestIdx[c] = bi;
            }
            if (n >= 4 * Chunk) Parallel.For(0, chunks, Update);
            else for (int c = 0; c < chunks; c++) Update(c);
            int next = -1; float nd = float.NegativeInfinity;
            for (int c = 0; c < chunks; c++) if (bestIdx[c] >= 0 && bestD[c] > nd) { nd = bestD[c]; next = bestIdx[c]; }
            if (next < 0) break;
            current = next;
        }
        return chosen;
    }
}
