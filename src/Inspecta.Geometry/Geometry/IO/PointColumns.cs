namespace Inspecta.Geometry.IO;

/// <summary>One named column of a point file as read or to be written (values point-major).</summary>
internal sealed record PointColumn(string Name, PointFieldType Type, int Components, double[] Values);

/// <summary>
/// Maps file columns to <see cref="PointCloud"/> attributes and back. Conventions shared by the formats:
/// x y z → positions; normal_x… / nx… → normals; packed rgb/rgba (uint bits, 0xAARRGGBB) or red green blue
/// → colours; label → labels; alpha and everything else → extra fields; "_" (PCD padding) is dropped.
/// </summary>
internal static class PointColumns
{
    public static bool IsPackedColor(string name) => name is "rgb" or "rgba";

    public static PointCloud ToCloud(string path, IReadOnlyList<PointColumn> columns, int count)
    {
        PointColumn? Find(string name) => columns.FirstOrDefault(c => c.Name == name && c.Components == 1);
        PointColumn x = Find("x") ?? throw InspectaUserException.ForFile(path, "has no 'x' field; a point cloud needs x, y and z.");
        PointColumn y = Find("y") ?? throw InspectaUserException.ForFile(path, "has no 'y' field; a point cloud needs x, y and z.");
        PointColumn z = Find("z") ?? throw InspectaUserException.ForFile(path, "has no 'z' field; a point cloud needs x, y and z.");
        var used = new HashSet<PointColumn> { x, y, z };

        var positions = new float[3 * count];
        for (int i = 0; i < count; i++) { positions[3 * i] = (float)x.Values[i]; positions[3 * i + 1] = (float)y.Values[i]; positions[3 * i + 2] = (float)z.Values[i]; }
        var cloud = new PointCloud(positions);

        var normals = Triple(Find("normal_x"), Find("normal_y"), Find("normal_z")) ?? Triple(Find("nx"), Find("ny"), Find("nz"));
        if (normals is { } nc)
        {
            cloud.Normals = Interleave(nc, count, 1f);
            used.UnionWith([nc.A, nc.B, nc.C]);
        }

        if ((Find("rgb") ?? Find("rgba")) is { } packed)
        {
            var colors = new float[3 * count];
            double[]? alpha = packed.Name == "rgba" ? new double[count] : null;
            for (int i = 0; i < count; i++)
            {
                uint bits = (uint)packed.Values[i];
                colors[3 * i] = ((bits >> 16) & 0xFF) / 255f;
                colors[3 * i + 1] = ((bits >> 8) & 0xFF) / 255f;
                colors[3 * i + 2] = (bits & 0xFF) / 255f;
                if (alpha is not null) alpha[i] = bits >> 24;
            }
            cloud.Colors = colors;
            used.Add(packed);
            if (alpha is not null) cloud.SetField(new PointField("alpha", PointFieldType.UInt8, 1, alpha));
        }
        else if (Triple(Find("red"), Find("green"), Find("blue")) is { } rgb)
        {
            float divisor = rgb.A.Type switch
            {
                PointFieldType.UInt8 or PointFieldType.Int8 => 255f,
                PointFieldType.UInt16 or PointFieldType.Int16 => 65535f,
                PointFieldType.Float32 or PointFieldType.Float64 => 1f,
                _ => throw InspectaUserException.ForFile(path, $"colour fields of type {rgb.A.Type} are not supported (expected uint8, uint16 or float)."),
            };
            cloud.Colors = Interleave(rgb, count, divisor);
            used.UnionWith([rgb.A, rgb.B, rgb.C]);
        }

        if (Find("label") is { } label)
        {
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                double v = label.Values[i];
                if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                    throw InspectaUserException.ForFile(path, $"label of point {i} is {v}, not an integer.");
                labels[i] = (int)v;
            }
            cloud.Labels = labels;
            used.Add(label);
        }

        foreach (var c in columns)
            if (!used.Contains(c) && c.Name != "_" && cloud.FindField(c.Name) is null)
                cloud.SetField(new PointField(c.Name, c.Type, c.Components, c.Values));
        return cloud;
    }

    /// <summary>Columns for writing. <paramref name="pcdNames"/>: PCD conventions (normal_x, packed rgb/rgba); else PLY (nx, red/green/blue uchar, alpha).</summary>
    public static List<PointColumn> FromCloud(PointCloud cloud, bool pcdNames)
    {
        int n = cloud.Count;
        var cols = new List<PointColumn>();
        for (int a = 0; a < 3; a++) cols.Add(new PointColumn("xyz"[a].ToString(), PointFieldType.Float32, 1, Deinterleave(cloud.Positions, a, n)));
        if (cloud.Normals is { } nrm)
        {
            string[] names = pcdNames ? ["normal_x", "normal_y", "normal_z"] : ["nx", "ny", "nz"];
            for (int a = 0; a < 3; a++) cols.Add(new PointColumn(names[a], PointFieldType.Float32, 1, Deinterleave(nrm, a, n)));
        }
        PointField? alpha = cloud.FindField("alpha") is { Components: 1 } al ? al : null;
        if (cloud.Colors is { } col)
        {
            if (pcdNames)
            {
                var packed = new double[n];
                for (int i = 0; i < n; i++)
                {
                    uint a = alpha is null ? 255u : (uint)Math.Clamp(alpha.Values[i], 0, 255);
                    packed[i] = (a << 24) | (ToByte(col[3 * i]) << 16) | (ToByte(col[3 * i + 1]) << 8) | ToByte(col[3 * i + 2]);
                }
                cols.Add(new PointColumn(alpha is null ? "rgb" : "rgba", PointFieldType.UInt32, 1, packed));
            }
            else
            {
                string[] names = ["red", "green", "blue"];
                for (int a = 0; a < 3; a++)
                {
                    var v = new double[n];
                    for (int i = 0; i < n; i++) v[i] = ToByte(col[3 * i + a]);
                    cols.Add(new PointColumn(names[a], PointFieldType.UInt8, 1, v));
                }
            }
        }
        if (cloud.Labels is { } labels)
        {
            var v = new double[n];
            bool negative = false;
            for (int i = 0; i < n; i++) { v[i] = labels[i]; negative |= labels[i] < 0; }
            cols.Add(new PointColumn("label", pcdNames && !negative ? PointFieldType.UInt32 : PointFieldType.Int32, 1, v));
        }
        foreach (var f in cloud.Fields)
        {
            if (pcdNames && cloud.Colors is not null && ReferenceEquals(f, alpha)) continue; // packed into rgba
            cols.Add(new PointColumn(f.Name, f.Type, f.Components, f.Values));
        }
        return cols;
    }

    private static uint ToByte(float c) => (uint)Math.Clamp(MathF.Round(c * 255f), 0f, 255f);

    private readonly record struct Three(PointColumn A, PointColumn B, PointColumn C);

    private static Three? Triple(PointColumn? a, PointColumn? b, PointColumn? c) => a is not null && b is not null && c is not null ? new Three(a, b, c) : null;

    private static float[] Interleave(Three t, int n, float divisor)
    {
        var r = new float[3 * n];
        for (int i = 0; i < n; i++) { r[3 * i] = (float)t.A.Values[i] / divisor; r[3 * i + 1] = (float)t.B.Values[i] / divisor; r[3 * i + 2] = (float)t.C.Values[i] / divisor; }
        return r;
    }

    private static double[] Deinterleave(float[] src, int axis, int n)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = src[3 * i + axis];
        return r;
    }
}
