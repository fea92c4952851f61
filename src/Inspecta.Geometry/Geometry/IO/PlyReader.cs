using System.Globalization;
using System.Text;

namespace Inspecta.Geometry.IO;

/// <summary>
/// Reads the vertex element of a PLY file (ascii, binary little/big endian): x y z, nx ny nz, red green blue,
/// label and any other scalar property as an extra field. Elements after the vertices (faces) are ignored.
/// </summary>
public static class PlyReader
{
    private sealed record Property(string Name, PointFieldType Type, PointFieldType? ListCountType);
    private sealed record Element(string Name, long Count, List<Property> Properties);

    /// <summary>Header facts without reading the data (for `pc info`).</summary>
    public sealed record Header(PlyEncoding Encoding, long Vertices, IReadOnlyList<string> VertexProperties, IReadOnlyList<string> Elements);

    public static PointCloud Read(string path) => Read(path, File.ReadAllBytes(path));

    public static Header ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(stream.Length, 64 * 1024)];
        int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var (enc, elements, _) = ParseHeader(path, buffer.AsSpan(0, got).ToArray());
        var vertex = elements.FirstOrDefault(e => e.Name == "vertex");
        return new Header(enc, vertex?.Count ?? 0, vertex?.Properties.Select(p => p.Name).ToList() ?? [], elements.Select(e => $"{e.Name} {e.Count}").ToList());
    }

    public static PointCloud Read(string path, byte[] bytes)
    {
        var (encoding, elements, dataStart) = ParseHeader(path, bytes);
        var vertex = elements.FirstOrDefault(e => e.Name == "vertex") ?? throw InspectaUserException.ForFile(path, "PLY file has no 'vertex' element.");
        if (vertex.Count > int.MaxValue / 3) throw InspectaUserException.ForFile(path, $"too many vertices ({vertex.Count}).");
        int n = (int)vertex.Count;
        var columns = new List<PointColumn>();
        var target = new List<double[]?>();
        foreach (var p in vertex.Properties)
        {
            if (p.ListCountType is null) { var v = new double[n]; columns.Add(new PointColumn(p.Name, p.Type, 1, v)); target.Add(v); }
            else target.Add(null); // list properties on vertices are skipped
        }

        if (encoding == PlyEncoding.Ascii)
        {
            var tokens = new AsciiTokens(bytes, dataStart);
            foreach (var e in elements)
            {
                bool isVertex = ReferenceEquals(e, vertex);
                for (long i = 0; i < e.Count; i++)
                    for (int k = 0; k < e.Properties.Count; k++)
                    {
                        var p = e.Properties[k];
                        int items = 1;
                        if (p.ListCountType is { } ct)
                        {
                            double len = NextAscii(path, ref tokens, ct, e, i);
                            if (len < 0 || len != Math.Floor(len)) throw InspectaUserException.ForFile(path, $"PLY {e.Name} {i}: invalid list length {len}.");
                            items = (int)len;
                        }
                        for (int j = 0; j < items; j++)
                        {
                            double v = NextAscii(path, ref tokens, p.Type, e, i);
                            if (isVertex && target[k] is { } dst) dst[i] = v;
                        }
                    }
                if (isVertex) break;
            }
        }
        else
        {
            bool big = encoding == PlyEncoding.BinaryBigEndian;
            var data = bytes.AsSpan(dataStart);
            int pos = 0;
            foreach (var e in elements)
            {
                bool isVertex = ReferenceEquals(e, vertex);
                for (long i = 0; i < e.Count; i++)
                    for (int k = 0; k < e.Properties.Count; k++)
                    {
                        var p = e.Properties[k];
                        int items = 1;
                        if (p.ListCountType is { } ct)
                        {
                            items = (int)NextBinary(path, data, ref pos, ct, big, e, i);
                            if (items < 0) throw InspectaUserException.ForFile(path, $"PLY {e.Name} {i}: invalid list length {items}.");
                        }
                        for (int j = 0; j < items; j++)
                        {
                            double v = NextBinary(path, data, ref pos, p.Type, big, e, i);
                            if (isVertex && target[k] is { } dst) dst[i] = v;
                        }
                    }
                if (isVertex) break;
            }
        }
        return PointColumns.ToCloud(path, columns, n);
    }

    private static double NextAscii(string path, ref AsciiTokens tokens, PointFieldType type, Element e, long index)
    {
        if (!tokens.NextToken(out var tok)) throw InspectaUserException.ForFile(path, $"truncated PLY data: ended in {e.Name} {index} of {e.Count}.");
        if (!AsciiTokens.TryParse(tok, type, out double v))
            throw InspectaUserException.ForFile(path, $"PLY {e.Name} {index}: '{Encoding.ASCII.GetString(tok)}' is not a valid {type}.");
        return v;
    }

    private static double NextBinary(string path, ReadOnlySpan<byte> data, ref int pos, PointFieldType type, bool big, Element e, long index)
    {
        int size = PointField.SizeOf(type);
        if (pos + size > data.Length) throw InspectaUserException.ForFile(path, $"truncated PLY data: ended in {e.Name} {index} of {e.Count}.");
        double v = BinaryValues.Read(data.Slice(pos, size), type, big);
        pos += size;
        return v;
    }

    private static (PlyEncoding, List<Element>, int) ParseHeader(string path, byte[] bytes)
    {
        var tokens = new AsciiTokens(bytes);
        if (!tokens.NextLine(out var first) || !first.SequenceEqual("ply"u8))
            throw InspectaUserException.ForFile(path, "is not a PLY file (it must start with the line 'ply').");
        PlyEncoding? encoding = null;
        var elements = new List<Element>();
        int lineNo = 1;
        while (true)
        {
            if (!tokens.NextLine(out var lineBytes)) throw InspectaUserException.ForFile(path, "malformed PLY header: no 'end_header' line.");
            lineNo++;
            string line = Encoding.ASCII.GetString(lineBytes).Trim();
            if (line == "end_header") break;
            string[] p = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (p.Length == 0) continue;
            switch (p[0])
            {
                case "comment" or "obj_info": break;
                case "format":
                    encoding = p.Length == 3 ? p[1] switch
                    {
                        "ascii" => PlyEncoding.Ascii,
                        "binary_little_endian" => PlyEncoding.BinaryLittleEndian,
                        "binary_big_endian" => PlyEncoding.BinaryBigEndian,
                        _ => null,
                    } : null;
                    if (encoding is null) throw InspectaUserException.ForFile(path, $"malformed PLY header: unknown format line '{line}'.");
                    break;
                case "element":
                    if (p.Length != 3 || !long.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                        throw InspectaUserException.ForFile(path, $"malformed PLY header line {lineNo}: '{line}' (expected 'element <name> <count>').");
                    elements.Add(new Element(p[1], count, []));
                    break;
                case "property":
                    if (elements.Count == 0) throw InspectaUserException.ForFile(path, $"malformed PLY header line {lineNo}: property before any element.");
                    if (p.Length == 3 && TypeOf(p[1]) is { } t) elements[^1].Properties.Add(new Property(p[2], t, null));
                    else if (p.Length == 5 && p[1] == "list" && TypeOf(p[2]) is { } ct && TypeOf(p[3]) is { } it && BinaryValues.IsInteger(ct))
                        elements[^1].Properties.Add(new Property(p[4], it, ct));
                    else throw InspectaUserException.ForFile(path, $"malformed PLY header line {lineNo}: '{line}' (unknown property type).");
                    break;
                default:
                    throw InspectaUserException.ForFile(path, $"malformed PLY header line {lineNo}: unknown keyword '{p[0]}'.");
            }
        }
        if (encoding is null) throw InspectaUserException.ForFile(path, "malformed PLY header: no 'format' line.");
        return (encoding.Value, elements, tokens.Position);
    }

    internal static PointFieldType? TypeOf(string name) => name switch
    {
        "char" or "int8" => PointFieldType.Int8,
        "uchar" or "uint8" => PointFieldType.UInt8,
        "short" or "int16" => PointFieldType.Int16,
        "ushort" or "uint16" => PointFieldType.UInt16,
        "int" or "int32" => PointFieldType.Int32,
        "uint" or "uint32" => PointFieldType.UInt32,
        "float" or "float32" => PointFieldType.Float32,
        "double" or "float64" => PointFieldType.Float64,
        _ => null,
    };

    internal static string NameOf(PointFieldType t) => t switch
    {
        PointFieldType.Int8 => "char", PointFieldType.UInt8 => "uchar",
        PointFieldType.Int16 => "short", PointFieldType.UInt16 => "ushort",
        PointFieldType.Int32 => "int", PointFieldType.UInt32 => "uint",
        PointFieldType.Float32 => "float", PointFieldType.Float64 => "double",
        _ => throw new ArgumentOutOfRangeException(nameof(t), $"PLY has no {t} type."),
    };
}
