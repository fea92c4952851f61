using System.Numerics;

namespace Inspecta.Geometry.IO;

/// <summary>A summary of a point-cloud file (for `inspecta pc info`).</summary>
public sealed record PointCloudInfo(
    string Path, string Format, string? Encoding, int Points, int FinitePoints, int Width, int Height,
    IReadOnlyList<string> Fields, bool HasNormals, bool HasColors, bool HasLabels, int AnomalousPoints,
    Vector3 Min, Vector3 Max, Viewpoint Viewpoint)
{
    public static PointCloudInfo Describe(string path)
    {
        var cloud = PointCloudIO.Read(path);
        string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        string? encoding = null;
        IReadOnlyList<string> fields;
        switch (ext)
        {
            case ".pcd": { var h = PcdReader.ReadHeader(path); encoding = h.Encoding.ToString(); fields = h.Fields; break; }
            case ".ply": { var h = PlyReader.ReadHeader(path); encoding = h.Encoding.ToString(); fields = h.VertexProperties; break; }
            default:
                var list = new List<string> { "x", "y", "z" };
                if (cloud.Normals is not null) list.AddRange(["nx", "ny", "nz"]);
                if (cloud.Labels is not null) list.Add("label");
                fields = list;
                break;
        }
        var min = new Vector3(float.PositiveInfinity); var max = new Vector3(float.NegativeInfinity);
        int finite = 0;
        for (int i = 0; i < cloud.Count; i++)
        {
            var p = new Vector3(cloud.Positions.AsSpan(3 * i, 3));
            if (!float.IsFinite(p.X) || !float.IsFinite(p.Y) || !float.IsFinite(p.Z)) continue;
            finite++;
            min = Vector3.Min(min, p); max = Vector3.Max(max, p);
        }
        if (finite == 0) { min = new Vector3(float.NaN); max = new Vector3(float.NaN); }
        int anomalous = cloud.Labels?.Count(l => l != 0) ?? 0;
        string format = ext switch { ".pcd" => "PCD", ".ply" => "PLY", ".tif" or ".tiff" => "TIFF (organised xyz)", _ => "text (xyz)" };
        return new PointCloudInfo(path, format, encoding, cloud.Count, finite, cloud.Width, cloud.Height, fields,
            cloud.Normals is not null, cloud.Colors is not null, cloud.Labels is not null, anomalous, min, max, cloud.Viewpoint);
    }
}
