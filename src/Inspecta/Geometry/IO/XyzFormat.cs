using System.Globalization;
using System.Text;

namespace Inspecta.Geometry.IO;

/// <summary>
/// Plain-text points, one per line, separated by spaces, tabs or commas: <c>x y z</c>, <c>x y z label</c>
/// (Real3D-AD / Anomaly-ShapeNet ground truth), <c>x y z nx ny nz</c> or <c>x y z nx ny nz label</c>.
/// Lines starting with '#' or '//' are comments.
/// </summary>
public static class XyzFormat
{
    public static PointCloud Read(string path) => Read(path, File.ReadAllBytes(path));

    public static PointCloud Read(string path, byte[] bytes)
    {
        var tokens = new AsciiTokens(bytes);
        var values = new List<double>(1024);
        Span<Range> ranges = stackalloc Range[8];
        int columns = -1, lineNo = 0;
        while (tokens.NextLine(out var line))
        {
            lineNo++;
            var trimmed = line.TrimStart(" \t"u8);
            if (trimmed.IsEmpty || trimmed[0] == (byte)'#' || trimmed.StartsWith("//"u8)) continue;
            int got = AsciiTokens.Split(trimmed, ranges);
            if (got == 0) continue;
            if (columns < 0)
            {
                if (got is not (3 or 4 or 6 or 7))
                    throw InspectaUserException.ForFile(path, $"line {lineNo} has {(got > ranges.Length ? "more than " + ranges.Length : got.ToString(CultureInfo.InvariantCulture))} columns; expected 3 (x y z), 4 (x y z label), 6 (x y z nx ny nz) or 7 (… label).");
                columns = got;
            }
            else if (got != columns)
                throw InspectaUserException.ForFile(path, $"line {lineNo} has {got} columns, but earlier lines have {columns}.");
            for (int c = 0; c < columns; c++)
            {
                var tok = trimmed[ranges[c]];
                bool isLabel = c == 3 && columns == 4 || c == 6;
                if (isLabel)
                {
                    if (!AsciiTokens.TryParse(tok, PointFieldType.Int32, out double label))
                        throw InspectaUserException.ForFile(path, $"line {lineNo}: label '{Encoding.ASCII.GetString(tok)}' is not an integer.");
                    values.Add(label);
                }
                else
                {
                    if (!AsciiTokens.TryParseFloat(tok, out float f))
                        throw InspectaUserException.ForFile(path, $"line {lineNo}: '{Encoding.ASCII.GetString(tok)}' is not a number.");
                    values.Add(f);
                }
            }
        }
        if (columns < 0) throw InspectaUserException.ForFile(path, "contains no points.");
        int n = values.Count / columns;
        var pos = new float[3 * n];
        float[]? normals = columns >= 6 ? new float[3 * n] : null;
        int[]? labels = columns is 4 or 7 ? new int[n] : null;
        for (int i = 0; i < n; i++)
        {
            int b = i * columns;
            for (int a = 0; a < 3; a++) pos[3 * i + a] = (float)values[b + a];
            if (normals is not null) for (int a = 0; a < 3; a++) normals[3 * i + a] = (float)values[b + 3 + a];
            if (labels is not null) labels[i] = checked((int)values[b + columns - 1]);
        }
        return new PointCloud(pos) { Normals = normals, Labels = labels };
    }

    /// <summary>Writes x y z [nx ny nz] [label]; other attributes are not representable (use PLY or PCD).</summary>
    public static void Write(string path, PointCloud cloud)
    {
        PointCloudIO.WriteAtomically(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var inv = CultureInfo.InvariantCulture;
            var line = new StringBuilder();
            for (int i = 0; i < cloud.Count; i++)
            {
                line.Clear();
                for (int a = 0; a < 3; a++) line.Append(a == 0 ? "" : " ").Append(BinaryValues.Format(cloud.Positions[3 * i + a], PointFieldType.Float32));
                if (cloud.Normals is { } nrm) for (int a = 0; a < 3; a++) line.Append(' ').Append(BinaryValues.Format(nrm[3 * i + a], PointFieldType.Float32));
                if (cloud.Labels is { } lab) line.Append(' ').Append(lab[i].ToString(inv));
                w.WriteLine(line);
            }
        });
    }
}
