using System.Buffers.Binary;
using System.Text;

namespace Inspecta.Geometry.Meshes;

/// <summary>
/// Stanford PLY (ascii, binary_little_endian, binary_big_endian): the "vertex" element's x/y/z and the
/// "face" element's vertex_indices list; any other element or property is skipped.
/// </summary>
internal static class PlyMeshReader
{
    private sealed record Property(string Name, string Type, bool IsList, string CountType);
    private sealed record Element(string Name, int Count, List<Property> Properties);

    public static TriangleMesh Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerEnd = FindHeaderEnd(bytes, path);
        var header = Encoding.ASCII.GetString(bytes, 0, headerEnd).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (header.Length == 0 || header[0] != "ply") throw InspectaUserException.ForFile(path, "not a PLY file (missing 'ply' magic).");
        string format = "";
        var elements = new List<Element>();
        foreach (var line in header.Skip(1))
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (p[0])
            {
                case "format": format = p[1]; break;
                case "element": elements.Add(new Element(p[1], MeshIO.ParseInt(p[2]), [])); break;
                case "property" when elements.Count > 0:
                    elements[^1].Properties.Add(p[1] == "list" ? new Property(p[4], p[3], true, p[2]) : new Property(p[2], p[1], false, ""));
                    break;
            }
        }
        var builder = new MeshBuilder();
        var reader = format switch
        {
            "ascii" => (IValueReader)new AsciiValues(Encoding.ASCII.GetString(bytes, headerEnd, bytes.Length - headerEnd)),
            "binary_little_endian" => new BinaryValues(bytes, headerEnd, littleEndian: true),
            "binary_big_endian" => new BinaryValues(bytes, headerEnd, littleEndian: false),
            _ => throw InspectaUserException.ForFile(path, $"unsupported PLY format '{format}'."),
        };
        var poly = new List<int>();
        foreach (var element in elements)
        {
            bool isVertex = element.Name == "vertex", isFace = element.Name == "face";
            int ix = element.Properties.FindIndex(p => p.Name == "x"), iy = element.Properties.FindIndex(p => p.Name == "y"), iz = element.Properties.FindIndex(p => p.Name == "z");
            if (isVertex && (ix < 0 || iy < 0 || iz < 0)) throw InspectaUserException.ForFile(path, "the vertex element lacks x, y or z.");
            var xyz = new double[3];
            for (int e = 0; e < element.Count; e++)
            {
                for (int pi = 0; pi < element.Properties.Count; pi++)
                {
                    var prop = element.Properties[pi];
                    if (prop.IsList)
                    {
                        int n = (int)reader.Read(prop.CountType);
                        bool indices = isFace && prop.Name is "vertex_indices" or "vertex_index";
                        if (indices) poly.Clear();
                        for (int k = 0; k < n; k++)
                        {
                            double v = reader.Read(prop.Type);
                            if (indices) poly.Add((int)v);
                        }
                        if (indices && poly.Count >= 3) builder.AddPolygon(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(poly));
                    }
                    else
                    {
                        double v = reader.Read(prop.Type);
                        if (isVertex) { if (pi == ix) xyz[0] = v; else if (pi == iy) xyz[1] = v; else if (pi == iz) xyz[2] = v; }
                    }
                }
                if (isVertex) builder.AddVertex((float)xyz[0], (float)xyz[1], (float)xyz[2]);
                reader.EndOfRecord();
            }
        }
        return builder.Build(path);
    }

    private static int FindHeaderEnd(byte[] bytes, string path)
    {
        var marker = "end_header"u8;
        int at = bytes.AsSpan().IndexOf(marker);
        if (at < 0) throw InspectaUserException.ForFile(path, "PLY header has no 'end_header'.");
        int end = at + marker.Length;
        if (end < bytes.Length && bytes[end] == '\r') end++;
        if (end < bytes.Length && bytes[end] == '\n') end++;
        return end;
    }

    private interface IValueReader
    {
        double Read(string type);
        void EndOfRecord();
    }

    private sealed class AsciiValues(string text) : IValueReader
    {
        private readonly TokenStream _tokens = new(text.Split('\n'));
        public double Read(string type) => double.Parse(_tokens.Next() ?? throw new EndOfStreamException("PLY data ends early"), System.Globalization.CultureInfo.InvariantCulture);
        public void EndOfRecord() => _tokens.SkipRestOfLine();
    }

    private sealed class BinaryValues(byte[] bytes, int start, bool littleEndian) : IValueReader
    {
        private int _pos = start;

        public double Read(string type)
        {
            int size = type switch
            {
                "char" or "int8" or "uchar" or "uint8" => 1,
                "short" or "int16" or "ushort" or "uint16" => 2,
                "int" or "int32" or "uint" or "uint32" or "float" or "float32" => 4,
                "double" or "float64" => 8,
                _ => throw new FormatException($"unknown PLY property type '{type}'"),
            };
            if (_pos + size > bytes.Length) throw new EndOfStreamException("PLY data ends early");
            var s = bytes.AsSpan(_pos, size);
            _pos += size;
            return type switch
            {
                "char" or "int8" => (sbyte)s[0],
                "uchar" or "uint8" => s[0],
                "short" or "int16" => littleEndian ? BinaryPrimitives.ReadInt16LittleEndian(s) : BinaryPrimitives.ReadInt16BigEndian(s),
                "ushort" or "uint16" => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s),
                "int" or "int32" => littleEndian ? BinaryPrimitives.ReadInt32LittleEndian(s) : BinaryPrimitives.ReadInt32BigEndian(s),
                "uint" or "uint32" => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s),
                "float" or "float32" => littleEndian ? BinaryPrimitives.ReadSingleLittleEndian(s) : BinaryPrimitives.ReadSingleBigEndian(s),
                _ => littleEndian ? BinaryPrimitives.ReadDoubleLittleEndian(s) : BinaryPrimitives.ReadDoubleBigEndian(s),
            };
        }

        public void EndOfRecord() { }
    }
}
