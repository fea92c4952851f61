using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Inspecta.Geometry.IO;

/// <summary>Reads PCL's PCD format (v0.5–0.7; ascii, binary, binary_compressed).</summary>
public static class PcdReader
{
    private sealed record FieldSpec(string Name, int Size, char Kind, int Count, PointFieldType Type);

    /// <summary>Header facts without reading the data (for `pc info`).</summary>
    public sealed record Header(int Width, int Height, int Points, PcdEncoding Encoding, IReadOnlyList<string> Fields, Viewpoint Viewpoint);

    public static PointCloud Read(string path) => Read(path, File.ReadAllBytes(path));

    public static PointCloud Read(string path, byte[] bytes)
    {
        var (header, fields, dataStart) = ParseHeader(path, bytes);
        int n = header.Points;
        var columns = new List<PointColumn>(fields.Count);
        foreach (var f in fields) columns.Add(new PointColumn(f.Name, f.Type, f.Count, new double[(long)n * f.Count]));
        int stride = fields.Sum(f => f.Size * f.Count);

        switch (header.Encoding)
        {
            case PcdEncoding.Ascii: ReadAscii(path, bytes, dataStart, fields, columns, n); break;
            case PcdEncoding.Binary:
            {
                long need = (long)n * stride, have = bytes.Length - dataStart;
                if (have < need) throw InspectaUserException.ForFile(path, $"truncated binary data: {n} points × {stride} bytes need {need} bytes, found {have}.");
                ReadRecords(bytes.AsSpan(dataStart), fields, columns, n, stride);
                break;
            }
            case PcdEncoding.BinaryCompressed:
            {
                var span = bytes.AsSpan(dataStart);
                if (span.Length < 8) throw InspectaUserException.ForFile(path, "truncated binary_compressed data: missing the 8-byte size header.");
                uint compressed = BinaryPrimitives.ReadUInt32LittleEndian(span), uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
                long need = (long)n * stride;
                if (uncompressed != need) throw InspectaUserException.ForFile(path, $"binary_compressed data declares {uncompressed} uncompressed bytes, but {n} points × {stride} bytes need {need}.");
                if (compressed > span.Length - 8) throw InspectaUserException.ForFile(path, $"truncated binary_compressed data: {compressed} compressed bytes declared, {span.Length - 8} present.");
                var raw = new byte[uncompressed];
                if (n > 0 && Lzf.Decompress(span.Slice(8, (int)compressed), raw) != raw.Length)
                    throw InspectaUserException.ForFile(path, "corrupt binary_compressed data (LZF stream does not decode to the declared size).");
                // Field-major layout: all values of field 0, then all of field 1, …
                long offset = 0;
                for (int k = 0; k < fields.Count; k++)
                {
                    var f = fields[k];
                    ReadFieldBlock(raw.AsSpan((int)offset, n * f.Size * f.Count), f, columns[k].Values);
                    offset += (long)n * f.Size * f.Count;
                }
                break;
            }
        }

        var cloud = PointColumns.ToCloud(path, columns, n);
        cloud.Viewpoint = header.Viewpoint;
        if (header.Height > 1) cloud.SetOrganized(header.Width, header.Height);
        return cloud;
    }

    public static Header ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(stream.Length, 64 * 1024)];
        int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return ParseHeader(path, buffer.AsSpan(0, got).ToArray(), headerOnly: true).Header;
    }

    private static (Header Header, List<FieldSpec> Fields, int DataStart) ParseHeader(string path, byte[] bytes, bool headerOnly = false)
    {
        string[]? names = null, sizes = null, types = null, counts = null;
        int? width = null, height = null, points = null;
        var viewpoint = Viewpoint.Identity;
        PcdEncoding? encoding = null;
        var tokens = new AsciiTokens(bytes);
        int lineNo = 0;
        while (encoding is null)
        {
            if (!tokens.NextLine(out var lineBytes))
                throw InspectaUserException.ForFile(path, lineNo == 0 ? "is empty, not a PCD file." : "malformed PCD header: it ends before the DATA line.");
            lineNo++;
            string line = Encoding.ASCII.GetString(lineBytes).Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string key = parts[0].ToUpperInvariant();
            string[] values = parts[1..];
            switch (key)
            {
                case "VERSION": break;
                case "FIELDS" or "COLUMNS": names = values; break;
                case "SIZE": sizes = values; break;
                case "TYPE": types = values; break;
                case "COUNT": counts = values; break;
                case "WIDTH": width = ParseInt(path, key, values); break;
                case "HEIGHT": height = ParseInt(path, key, values); break;
                case "POINTS": points = ParseInt(path, key, values); break;
                case "VIEWPOINT":
                {
                    if (values.Length != 7 || !values.All(v => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                        throw InspectaUserException.ForFile(path, $"malformed PCD header: VIEWPOINT needs 7 numbers (tx ty tz qw qx qy qz), got '{string.Join(' ', values)}'.");
                    float[] v = values.Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    viewpoint = new Viewpoint(new Vector3(v[0], v[1], v[2]), new Quaternion(v[4], v[5], v[6], v[3]));
                    break;
                }
                case "DATA":
                    encoding = values.Length == 1 ? values[0].ToLowerInvariant() switch
                    {
                        "ascii" => PcdEncoding.Ascii,
                        "binary" => PcdEncoding.Binary,
                        "binary_compressed" => PcdEncoding.BinaryCompressed,
                        _ => null,
                    } : null;
                    if (encoding is null) throw InspectaUserException.ForFile(path, $"malformed PCD header: unknown DATA encoding '{string.Join(' ', values)}' (expected ascii, binary or binary_compressed).");
                    break;
                default:
                    throw InspectaUserException.ForFile(path, lineNo == 1
                        ? "is not a PCD file (the header must start with VERSION/FIELDS lines)."
                        : $"malformed PCD header: unknown line {lineNo} '{Truncate(line)}'.");
            }
        }
        if (names is null || names.Length == 0) throw InspectaUserException.ForFile(path, "malformed PCD header: no FIELDS line.");
        if (sizes is null || sizes.Length != names.Length) throw InspectaUserException.ForFile(path, $"malformed PCD header: SIZE must list {names.Length} sizes (one per field).");
        if (types is null || types.Length != names.Length) throw InspectaUserException.ForFile(path, $"malformed PCD header: TYPE must list {names.Length} types (one per field).");
        if (counts is not null && counts.Length != names.Length) throw InspectaUserException.ForFile(path, $"malformed PCD header: COUNT must list {names.Length} counts (one per field).");
        if (width is null) throw InspectaUserException.ForFile(path, "malformed PCD header: no WIDTH line.");
        int h = height ?? 1;
        if (width < 0 || h < 0) throw InspectaUserException.ForFile(path, "malformed PCD header: WIDTH and HEIGHT must not be negative.");
        long wh = (long)width.Value * h;
        int n = points ?? (int)Math.Min(wh, int.MaxValue);
        if (n < 0 || n != wh) throw InspectaUserException.ForFile(path, $"malformed PCD header: POINTS {n} does not equal WIDTH × HEIGHT = {width}×{h}.");

        var fields = new List<FieldSpec>(names.Length);
        for (int i = 0; i < names.Length; i++)
        {
            if (!int.TryParse(sizes[i], CultureInfo.InvariantCulture, out int size)) throw InspectaUserException.ForFile(path, $"malformed PCD header: SIZE '{sizes[i]}' of field '{names[i]}' is not a number.");
            int count = 1;
            if (counts is not null && (!int.TryParse(counts[i], CultureInfo.InvariantCulture, out count) || count <= 0))
                throw InspectaUserException.ForFile(path, $"malformed PCD header: COUNT '{counts[i]}' of field '{names[i]}' is not a positive number.");
            char kind = types[i].Length == 1 ? char.ToUpperInvariant(types[i][0]) : '?';
            PointFieldType? type = (kind, size) switch
            {
                ('I', 1) => PointFieldType.Int8, ('I', 2) => PointFieldType.Int16, ('I', 4) => PointFieldType.Int32, ('I', 8) => PointFieldType.Int64,
                ('U', 1) => PointFieldType.UInt8, ('U', 2) => PointFieldType.UInt16, ('U', 4) => PointFieldType.UInt32, ('U', 8) => PointFieldType.UInt64,
                ('F', 4) => PointFieldType.Float32, ('F', 8) => PointFieldType.Float64,
                _ => null,
            };
            if (type is null) throw InspectaUserException.ForFile(path, $"malformed PCD header: field '{names[i]}' has unsupported TYPE {types[i]} with SIZE {size}.");
            // Packed colours are bit patterns: read them as uint regardless of the declared F/U type.
            if (PointColumns.IsPackedColor(names[i]) && size == 4 && count == 1) type = PointFieldType.UInt32;
            fields.Add(new FieldSpec(names[i], size, kind, count, type.Value));
        }
        var header = new Header(width.Value, h, n, encoding.Value, names, viewpoint);
        return (header, fields, tokens.Position);
    }

    private static void ReadAscii(string path, byte[] bytes, int start, List<FieldSpec> fields, List<PointColumn> columns, int n)
    {
        int perPoint = fields.Sum(f => f.Count);
        var tokens = new AsciiTokens(bytes, start);
        Span<Range> ranges = perPoint <= 256 ? stackalloc Range[perPoint] : new Range[perPoint];
        int point = 0, lineNo = 0;
        while (point < n)
        {
            if (!tokens.NextLine(out var line))
                throw InspectaUserException.ForFile(path, $"truncated ascii data: header declares {n} points, found {point}.");
            lineNo++;
            int got = AsciiTokens.Split(line, ranges);
            if (got == 0) continue;
            if (got != perPoint) throw InspectaUserException.ForFile(path, $"ascii data line {lineNo} has {(got > perPoint ? "more than " + perPoint : got.ToString(CultureInfo.InvariantCulture))} values, expected {perPoint}.");
            int t = 0;
            for (int k = 0; k < fields.Count; k++)
            {
                var f = fields[k];
                for (int c = 0; c < f.Count; c++, t++)
                {
                    var tok = line[ranges[t]];
                    // A packed float rgb in ascii is its float value; convert it to its bit pattern.
                    if (f.Type == PointFieldType.UInt32 && PointColumns.IsPackedColor(f.Name) && f.Kind == 'F')
                    {
                        if (!AsciiTokens.TryParseFloat(tok, out float packed)) throw BadValue(path, lineNo, f.Name, tok);
                        columns[k].Values[(long)point * f.Count + c] = BitConverter.SingleToUInt32Bits(packed);
                    }
                    else if (!AsciiTokens.TryParse(tok, f.Type, out columns[k].Values[(long)point * f.Count + c])) throw BadValue(path, lineNo, f.Name, tok);
                }
            }
            point++;
        }
    }

    private static InspectaUserException BadValue(string path, int lineNo, string field, ReadOnlySpan<byte> token) =>
        InspectaUserException.ForFile(path, $"ascii data line {lineNo}: '{Truncate(Encoding.ASCII.GetString(token))}' is not a valid value for field '{field}'.");

    private static void ReadRecords(ReadOnlySpan<byte> data, List<FieldSpec> fields, List<PointColumn> columns, int n, int stride)
    {
        int offset = 0;
        for (int k = 0; k < fields.Count; k++)
        {
            var f = fields[k];
            var values = columns[k].Values;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < f.Count; c++)
                    values[(long)i * f.Count + c] = BinaryValues.Read(data.Slice(i * stride + offset + c * f.Size, f.Size), f.Type, bigEndian: false);
            offset += f.Size * f.Count;
        }
    }

    private static void ReadFieldBlock(ReadOnlySpan<byte> block, FieldSpec f, double[] values)
    {
        for (int j = 0; j < values.Length; j++) values[j] = BinaryValues.Read(block.Slice(j * f.Size, f.Size), f.Type, bigEndian: false);
    }

    private static int ParseInt(string path, string key, string[] values) =>
        values.Length == 1 && int.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
        : throw InspectaUserException.ForFile(path, $"malformed PCD header: {key} needs one integer, got '{string.Join(' ', values)}'.");

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
