using System.Globalization;
using System.Text;

namespace Inspecta.Geometry.IO;

/// <summary>
/// Writes a cloud as a PLY vertex element: x y z, nx ny nz, red green blue (uchar), label and every extra
/// field as a scalar property (multi-component fields as name_0, name_1, …).
/// </summary>
public static class PlyWriter
{
    public static void Write(string path, PointCloud cloud, PlyEncoding encoding = PlyEncoding.BinaryLittleEndian)
    {
        var columns = new List<PointColumn>();
        foreach (var c in PointColumns.FromCloud(cloud, pcdNames: false))
        {
            // PLY has no 64-bit integers: widen to double (exact up to 2^53).
            var type = c.Type is PointFieldType.Int64 or PointFieldType.UInt64 ? PointFieldType.Float64 : c.Type;
            if (c.Components == 1) { columns.Add(c with { Type = type }); continue; }
            for (int k = 0; k < c.Components; k++)
            {
                var v = new double[cloud.Count];
                for (int i = 0; i < v.Length; i++) v[i] = c.Values[(long)i * c.Components + k];
                columns.Add(new PointColumn($"{c.Name}_{k}", type, 1, v));
            }
        }
        int n = cloud.Count;
        var header = new StringBuilder("ply\n");
        header.Append("format ").Append(encoding switch { PlyEncoding.Ascii => "ascii", PlyEncoding.BinaryLittleEndian => "binary_little_endian", _ => "binary_big_endian" }).Append(" 1.0\n");
        header.Append("comment written by Inspecta\n");
        header.Append(CultureInfo.InvariantCulture, $"element vertex {n}\n");
        foreach (var c in columns) header.Append("property ").Append(PlyReader.NameOf(c.Type)).Append(' ').Append(c.Name).Append('\n');
        header.Append("end_header\n");

        PointCloudIO.WriteAtomically(path, stream =>
        {
            stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
            if (encoding == PlyEncoding.Ascii)
            {
                using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
                var line = new StringBuilder();
                for (int i = 0; i < n; i++)
                {
                    line.Clear();
                    for (int k = 0; k < columns.Count; k++)
                    {
                        if (k > 0) line.Append(' ');
                        line.Append(BinaryValues.Format(columns[k].Values[i], columns[k].Type));
                    }
                    w.WriteLine(line);
                }
            }
            else
            {
                bool big = encoding == PlyEncoding.BinaryBigEndian;
                int stride = columns.Sum(c => PointField.SizeOf(c.Type));
                var data = new byte[(long)n * stride];
                int offset = 0;
                foreach (var c in columns)
                {
                    int size = PointField.SizeOf(c.Type);
                    for (int i = 0; i < n; i++) BinaryValues.Write(data.AsSpan(i * stride + offset, size), c.Type, c.Values[i], big);
                    offset += size;
                }
                stream.Write(data);
            }
        });
    }
}
