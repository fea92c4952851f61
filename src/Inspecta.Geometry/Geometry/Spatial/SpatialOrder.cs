namespace Inspecta.Geometry.Spatial;

/// <summary>
/// A Z-order (Morton) permutation of points: consecutive entries are spatially close, so batch queries processed
/// in this order reuse cached tree nodes and neighbour data. Non-finite points go last.
/// </summary>
public static class SpatialOrder
{
    public static int[] Morton(ReadOnlySpan<float> xyz)
    {
        int n = xyz.Length / 3;
        float minX = float.MaxValue, minY = float.MaxValue, minZ = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue, maxZ = float.MinValue;
        for (int i = 0; i < n; i++)
        {
            float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
            if (!float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(z)) continue;
            minX = MathF.Min(minX, x); maxX = MathF.Max(maxX, x);
            minY = MathF.Min(minY, y); maxY = MathF.Max(maxY, y);
            minZ = MathF.Min(minZ, z); maxZ = MathF.Max(maxZ, z);
        }
        float extent = MathF.Max(maxX - minX, MathF.Max(maxY - minY, maxZ - minZ));
        float scale = extent > 0 ? 1023.999f / extent : 0f;
        var keys = new long[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
            if (!float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(z)) { keys[i] = long.MaxValue; continue; }
            keys[i] = (Spread((uint)((x - minX) * scale)) | (Spread((uint)((y - minY) * scale)) << 1) | (Spread((uint)((z - minZ) * scale)) << 2)) * (long)n + i;
        }
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>Inserts two zero bits between each of the low 10 bits.</summary>
    private static long Spread(uint v)
    {
        ulong x = v & 0x3FF;
        x = (x | (x << 16)) & 0x030000FF;
        x = (x | (x << 8)) & 0x0300F00F;
        x = (x | (x << 4)) & 0x030C30C3;
        x = (x | (x << 2)) & 0x09249249;
        return (long)x;
    }
}
