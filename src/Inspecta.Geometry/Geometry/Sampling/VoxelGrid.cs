namespace Inspecta.Geometry.Sampling;

/// <summary>Voxel-grid down-sampling: one point per occupied voxel.</summary>
public static class VoxelGrid
{
    /// <summary>
    /// Replaces the points of each occupied voxel (cubes of <paramref name="voxelSize"/> aligned at the cloud's minimum
    /// corner) by their centroid; normals are averaged and renormalised, colours and extra fields averaged, labels take
    /// the maximum (a voxel touching an anomaly is anomalous). Voxels are ordered by their first point.
    /// <paramref name="voxelOfPoint"/>[i] is the output index of input point i (-1 for non-finite points).
    /// </summary>
    public static PointCloud Downsample(PointCloud cloud, float voxelSize, out int[] voxelOfPoint)
    {
        if (!(voxelSize > 0) || !float.IsFinite(voxelSize)) throw new ArgumentOutOfRangeException(nameof(voxelSize), $"Voxel size must be positive, got {voxelSize}.");
        int n = cloud.Count;
        var p = cloud.Positions;
        float minX = float.MaxValue, minY = float.MaxValue, minZ = float.MaxValue;
        for (int i = 0; i < n; i++)
        {
            if (!Finite(p, i)) continue;
            minX = MathF.Min(minX, p[3 * i]); minY = MathF.Min(minY, p[3 * i + 1]); minZ = MathF.Min(minZ, p[3 * i + 2]);
        }
        voxelOfPoint = new int[n];
        var index = new Dictionary<(long, long, long), int>();
        var counts = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (!Finite(p, i)) { voxelOfPoint[i] = -1; continue; }
            var key = ((long)Math.Floor((p[3 * i] - (double)minX) / voxelSize), (long)Math.Floor((p[3 * i + 1] - (double)minY) / voxelSize), (long)Math.Floor((p[3 * i + 2] - (double)minZ) / voxelSize));
            if (!index.TryGetValue(key, out int v)) { v = counts.Count; index[key] = v; counts.Add(0); }
            counts[v]++;
            voxelOfPoint[i] = v;
        }
        int m = counts.Count;
        var pos = Average(p, 3, voxelOfPoint, counts);
        var result = new PointCloud(ToFloat(pos)) { Viewpoint = cloud.Viewpoint };
        if (cloud.Normals is { } nrm)
        {
            var avg = Average(nrm, 3, voxelOfPoint, counts);
            var outN = new float[3 * m];
            for (int v = 0; v < m; v++)
            {
                double len = Math.Sqrt(avg[3 * v] * avg[3 * v] + avg[3 * v + 1] * avg[3 * v + 1] + avg[3 * v + 2] * avg[3 * v + 2]);
                for (int a = 0; a < 3; a++) outN[3 * v + a] = len > 0 ? (float)(avg[3 * v + a] / len) : float.NaN;
            }
            result.Normals = outN;
        }
        if (cloud.Colors is { } col) result.Colors = ToFloat(Average(col, 3, voxelOfPoint, counts));
        if (cloud.Labels is { } lab)
        {
            var outL = new int[m];
            Array.Fill(outL, int.MinValue);
            for (int i = 0; i < n; i++) if (voxelOfPoint[i] >= 0) outL[voxelOfPoint[i]] = Math.Max(outL[voxelOfPoint[i]], lab[i]);
            result.Labels = outL;
        }
        foreach (var f in cloud.Fields)
        {
            var sums = new double[(long)m * f.Components];
            for (int i = 0; i < n; i++)
                if (voxelOfPoint[i] >= 0)
                    for (int c = 0; c < f.Components; c++) sums[voxelOfPoint[i] * f.Components + c] += f.Values[i * f.Components + c];
            for (int v = 0; v < m; v++) for (int c = 0; c < f.Components; c++) sums[v * f.Components + c] /= counts[v];
            result.SetField(new PointField(f.Name, f.Type is PointFieldType.Float64 ? PointFieldType.Float64 : PointFieldType.Float32, f.Components, sums));
        }
        return result;
    }

    public static PointCloud Downsample(PointCloud cloud, float voxelSize) => Downsample(cloud, voxelSize, out _);

    private static bool Finite(float[] p, int i) => float.IsFinite(p[3 * i]) && float.IsFinite(p[3 * i + 1]) && float.IsFinite(p[3 * i + 2]);

    private static double[] Average(float[] values, int stride, int[] voxelOf, List<int> counts)
    {
        var sums = new double[counts.Count * stride];
        for (int i = 0; i < voxelOf.Length; i++)
        {
            int v = voxelOf[i];
            if (v < 0) continue;
            for (int a = 0; a < stride; a++) sums[v * stride + a] += values[i * stride + a];
        }
        for (int v = 0; v < counts.Count; v++) for (int a = 0; a < stride; a++) sums[v * stride + a] /= counts[v];
        return sums;
    }

    private static float[] ToFloat(double[] d)
    {
        var f = new float[d.Length];
        for (int i = 0; i < d.Length; i++) f[i] = (float)d[i];
        return f;
    }
}
