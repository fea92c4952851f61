using Inspecta.Imaging;

namespace Inspecta.Evaluation;

// TEMPORARY (deep engineer): stand-in for the eval engineer's ThresholdCalibration.MaxArea with the
// agreed signature, so the trainer builds before evaluation lands on main. Delete on merge.
public static class ThresholdCalibration
{
    /// <summary>Smallest threshold at which every 8-connected component of (map &gt; t) over all good
    /// maps is smaller than <paramref name="minDefectArea"/> pixels.</summary>
    public static int DefaultMinDefectArea(int height, int width) => Math.Max(1, (int)Math.Ceiling(0.001 * height * width));

    public static double MaxArea(IReadOnlyList<AnomalyMap> goodMaps, int minDefectArea)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var m in goodMaps) foreach (float v in m.Data) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (Largest(goodMaps, lo) < minDefectArea) return lo;
        for (int i = 0; i < 60 && hi > lo; i++)
        {
            float mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) break;
            if (Largest(goodMaps, mid) < minDefectArea) hi = mid; else lo = mid;
        }
        return hi;
    }

    private static int Largest(IReadOnlyList<AnomalyMap> maps, float t)
    {
        int best = 0;
        foreach (var m in maps)
        {
            var seen = new bool[m.Data.Length]; var stack = new Stack<int>();
            for (int s = 0; s < m.Data.Length; s++)
            {
                if (seen[s] || m.Data[s] <= t) continue;
                int area = 0; seen[s] = true; stack.Push(s);
                while (stack.Count > 0)
                {
                    int p = stack.Pop(); area++;
                    int y = p / m.Width, x = p % m.Width;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int yy = y + dy, xx = x + dx;
                            if ((uint)yy >= (uint)m.Height || (uint)xx >= (uint)m.Width) continue;
                            int q = yy * m.Width + xx;
                            if (!seen[q] && m.Data[q] > t) { seen[q] = true; stack.Push(q); }
                        }
                }
                best = Math.Max(best, area);
            }
        }
        return best;
    }
}
