using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Inspecta.Geometry.IO;

/// <summary>Writes PCD v0.7 (ascii, binary or binary_compressed) with every attribute and extra field of the cloud.</summary>
public static class PcdWriter
{
    public static void Write(string path, PointCloud cloud, PcdEncoding encoding = PcdEncoding.Binary)
    {
        var columns = PointColumns.FromCloud(cloud, pcdNames: true);
        int n = cloud.Count;
        var inv = CultureInfo.InvariantCulture;
        var header = new StringBuilder();
        header.Append("# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\n");
        header.Append("FIELDS ").AppendJoin(' ', columns.Select(c => c.Name)).Append('\n');
        header.Append("SIZE ").AppendJoin(' ', columns.Select(c => PointField.SizeOf(c.Type))).Append('\n');
        header.Append("TYPE ").AppendJoin(' ', columns.Select(c => TypeChar(c.Type))).Append('\n');
        header.Append("COUNT ").AppendJoin(' ', columns.Select(c => c.Components)).Append('\n');
        header.Append(inv, $"WIDTH {cloud.Width}\nHEIGHT {cloud.Height}\n");
        var vp = cloud.Viewpoint;
        header.Append("VIEWPOINT ").AppendJoin(' ', new[] { vp.Origin.X, vp.Origin.Y, vp.Origin.Z, vp.Orientation.W, vp.Orientation.X, vp.Orientation.Y, vp.Orientation.Z }.Select(v => v.ToString("R", inv))).Append('\n');
        header.Append(inv, $"POINTS {n}\nDATA ").Append(encoding switch { PcdEncoding.Ascii => "ascii", PcdEncoding.Binary => "binary", _ => "binary_compressed" }).Append('\n');

        PointCloudIO.WriteAtomically(path, stream =>
        {
            stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
            int stride = columns.Sum(c => PointField.SizeOf(c.Type) * c.Components);
            switch (encoding)
            {
                case PcdEncoding.Ascii:
                {
                    using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
                    var line = new StringBuilder();
                    for (int i = 0; i < n; i++)
                    {
                        line.Clear();
                        foreach (var c in columns)
                            for (int k = 0; k < c.Components; k++)
                            {
                                if (line.Length > 0) line.Append(' ');
                                line.Append(BinaryValues.Format(c.Values[(long)i * c.Components + k], c.Type));
                            }
                        w.WriteLine(line);
                    }
                    break;
                }
                case PcdEncoding.Binary:
                {
                    var data = new byte[(long)n * stride];
                    int offset = 0;
                    foreach (var c in columns)
                    {
                        int size = PointField.SizeOf(c.Type);
                        for (int i = 0; i < n; i++)
                            for (int k = 0; k < c.Components; k++)
                                BinaryValues.Write(data.AsSpan(i * stride + offset + k * size, size), c.Type, c.Values[(long)i * c.Components + k], bigEndian: false);
                        offset += size * c.Components;
                    }
                    stream.Write(data);
                    break;
                }
                default:
                {
                    // Field-major (structure of arrays), then LZF, as PCL does: similar bytes sit together and compress well.
                    var raw = new byte[(long)n * stride];
                    int offset = 0;
                    foreach (var c in columns)
                    {
                        int size = PointField.SizeOf(c.Type);
                        for (int j = 0; j < c.Values.Length; j++) BinaryValues.Write(raw.AsSpan(offset + j * size, size), c.Type, c.Values[j], bigEndian: false);
                        offset += c.Values.Length * size;
                    }
                    byte[] packed = Lzf.Compress(raw);
                    Span<byte> sizes = stackalloc byte[8];
                    BinaryPrimitives.WriteUInt32LittleEndian(sizes, (uint)packed.Length);
                    BinaryPrimitives.WriteUInt32LittleEndian(sizes[4..], (uint)raw.Length);
                    stream.Write(sizes);
                    stream.Write(packed);
                    break;
                }
            }
        });
    }

    private static char TypeChar(PointFieldType t) => t switch
    {
        PointFieldType.Float32 or PointFieldType.Float64 => 'F',
        PointFieldType.Int8 or PointFieldType.Int16 or PointFieldType.Int32 or PointFieldType.Int64 => 'I',
        _ => 'U',
    };
}
