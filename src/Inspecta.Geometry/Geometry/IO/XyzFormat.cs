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

    /// <summary>
    /// Writes chosen columns, e.g. ["x", "y", "z", "score"]: x y z, nx ny nz, red green blue (0–255), label, or the name
    /// of any single-component extra field. For per-point predictions next to Real3D-AD style ground truth.
    /// </summary>
    public static void WriteColumns(string path, PointCloud cloud, IReadOnlyList<string> columns)
    {
        var getters = new List<Func<int, string>>();
        var inv = CultureInfo.InvariantCulture;
        foreach (string c in columns)
        {
            Func<int, string> g = c switch
            {
                "x" or "y" or "z" => i => BinaryValues.Format(cloud.Positions[3 * i + (c[0] - 'x')], PointFieldType.Float32),
                "nx" or "ny" or "nz" when cloud.Normals is { } nrm => i => BinaryValues.Format(nrm[3 * i + (c[1] - 'x')], PointFieldType.Float32),
                "red" or "green" or "blue" when cloud.Colors is { } col => i => ((int)MathF.Round(col[3 * i + (c == "red" ? 0 : c == "green" ? 1 : 2)] * 255f)).ToString(inv),
                "label" when cloud.Labels is { } lab => i => lab[i].ToString(inv),
                _ when cloud.FindField(c) is { Components: 1 } f => i => BinaryValues.Format(f.Values[i], f.Type),
                _ => throw new ArgumentException($"The cloud has no column '{c}'.", nameof(columns)),
            };
            getters.Add(g);
        }
        PointCloudIO.WriteAtomically(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var line = new StringBuilder();
            for (int i = 0; i < cloud.Count; i++)
            {
                line.Clear();
                for (int k = 0; k < getters.Count; k++) line.Append(k == 0 ? "" : " ").Append(getters[k](i));
                w.WriteLine(line);
            }
        });
    }
}
