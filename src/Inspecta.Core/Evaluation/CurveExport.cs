using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Evaluation;

/// <summary>Writes curves for plotting: one <c>&lt;name&gt;.csv</c> (threshold, x, y) per curve and all of them in <c>curves.json</c>.</summary>
public static class CurveExport
{
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<Curve> curves)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InspectaUserException.ForFile(directory, $"cannot create the curves folder ({ex.Message}).", ex);
        }
        var written = new List<string>();
        var all = new JsonObject();
        foreach (var curve in curves)
        {
            var csv = new StringBuilder();
            csv.Append("threshold,").Append(curve.XLabel).Append(',').Append(curve.YLabel).Append('\n');
            for (int i = 0; i < curve.Count; i++)
                csv.Append(Format(curve.Thresholds[i])).Append(',').Append(Format(curve.X[i])).Append(',').Append(Format(curve.Y[i])).Append('\n');
            written.Add(WriteFile(Path.Combine(directory, curve.Name + ".csv"), csv.ToString()));
            all[curve.Name] = new JsonObject
            {
                ["x_label"] = curve.XLabel,
                ["y_label"] = curve.YLabel,
                ["x"] = Numbers(curve.X),
                ["y"] = Numbers(curve.Y),
                ["threshold"] = Numbers(curve.Thresholds),
            };
        }
        written.Add(WriteFile(Path.Combine(directory, "curves.json"), all.ToJsonString(new JsonSerializerOptions { WriteIndented = false })));
        return written;
    }

    private static string Format(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

    // JSON has no infinities: the curve's outer thresholds (above the highest / below the lowest score) become null.
    private static JsonArray Numbers(double[] values) => new([.. values.Select(EvaluationResult.Number)]);

    private static string WriteFile(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InspectaUserException.ForFile(path, $"cannot write ({ex.Message}).", ex);
        }
    }
}
