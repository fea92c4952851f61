using System.Globalization;
using System.Text;

namespace Inspecta.Geometry.IO;

/// <summary>Per-point descriptors as text: one point per line, values separated by single spaces (shortest round-trip floats, "nan").</summary>
public static class FeatureText
{
    public static void Write(string path, float[] values, int dimensions)
    {
        if (dimensions <= 0 || values.Length % dimensions != 0) throw new ArgumentException($"{values.Length} values do not split into rows of {dimensions}.");
        PointCloudIO.WriteAtomically(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var line = new StringBuilder();
            for (int i = 0; i < values.Length / dimensions; i++)
            {
                line.Clear();
                for (int j = 0; j < dimensions; j++)
                {
                    if (j > 0) line.Append(' ');
                    float v = values[i * dimensions + j];
                    line.Append(float.IsNaN(v) ? "nan" : v.ToString("R", CultureInfo.InvariantCulture));
                }
                w.WriteLine(line);
            }
        });
    }

    /// <summary>Reads a whitespace-separated numeric table; every line must have the same number of columns.</summary>
    public static float[] Read(string path, out int dimensions)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "file not found.");
        var values = new List<float>();
        dimensions = -1;
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (dimensions < 0) dimensions = parts.Length;
            else if (parts.Length != dimensions) throw InspectaUserException.ForFile(path, $"line {lineNo} has {parts.Length} values, expected {dimensions}.");
            foreach (string p in parts)
            {
                if (!AsciiTokens.TryParseFloat(Encoding.ASCII.GetBytes(p), out float v)) throw InspectaUserException.ForFile(path, $"line {lineNo}: '{p}' is not a number.");
                values.Add(v);
            }
        }
        if (dimensions < 0) throw InspectaUserException.ForFile(path, "is empty.");
        return values.ToArray();
    }
}
