namespace Inspecta.Geometry;

/// <summary>
/// An unorganised point cloud: xyz as float32 triples (x0,y0,z0,x1,…), with optional per-point
/// normals, colours (RGB in [0,1]) and integer labels (1 = anomalous in ground truth).
/// </summary>
public sealed class PointCloud
{
    public int Count { get; }
    public float[] Positions { get; }
    public float[]? Normals { get; set; }
    public float[]? Colors { get; set; }
    public int[]? Labels { get; set; }

    public PointCloud(float[] positions)
    {
        if (positions.Length % 3 != 0) throw new ArgumentException($"Position array length {positions.Length} is not a multiple of 3.", nameof(positions));
        Positions = positions;
        Count = positions.Length / 3;
    }

    public ReadOnlySpan<float> Point(int i) => Positions.AsSpan(3 * i, 3);

    public override string ToString() => $"PointCloud({Count} points{(Normals is null ? "" : ", normals")}{(Colors is null ? "" : ", colours")}{(Labels is null ? "" : ", labels")})";
}
