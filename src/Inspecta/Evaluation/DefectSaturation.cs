using System.Globalization;
using System.Text.Json;

namespace Inspecta.Evaluation;

/// <summary>
/// MVTec LOCO AD saturation rule of one defect type (an entry of <c>defects_config.json</c>): a region counts as
/// fully detected once this many of its pixels are predicted anomalous.
/// </summary>
/// <param name="PixelValue">The value the defect's ground-truth channel images hold.</param>
/// <param name="Threshold">A fraction of the region area when <paramref name="Relative"/>, else a pixel count.</param>
public sealed record DefectSaturation(string Name, int PixelValue, double Threshold, bool Relative)
{
    /// <summary>
    /// The official definition: <c>int(t · area)</c> when relative, <c>min(t, area)</c> when absolute. Clamped to at
    /// least one pixel, where the official code would divide by zero for tiny regions with a small relative t.
    /// </summary>
    public double SaturationArea(int regionArea)
    {
        double s = Relative ? Math.Truncate(Threshold * regionArea) : Math.Min(Threshold, regionArea);
        return Math.Max(s, 1);
    }

    public static IReadOnlyList<DefectSaturation> ReadConfig(string path)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "file not found (MVTec LOCO AD categories ship a defects_config.json).");
        return ParseConfig(File.ReadAllText(path), path);
    }

    /// <summary>Parses the JSON list of {defect_name, pixel_value, saturation_threshold, relative_saturation}.</summary>
    public static IReadOnlyList<DefectSaturation> ParseConfig(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var list = new List<DefectSaturation>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var entry = new DefectSaturation(
                    e.GetProperty("defect_name").GetString() ?? "",
                    e.GetProperty("pixel_value").GetInt32(),
                    e.GetProperty("saturation_threshold").GetDouble(),
                    e.GetProperty("relative_saturation").GetBoolean());
                if (!(entry.Threshold > 0))
                    throw InspectaUserException.ForFile(source, $"defect '{entry.Name}' has saturation_threshold {entry.Threshold.ToString(CultureInfo.InvariantCulture)}; it must be positive.");
                if (list.Any(d => d.PixelValue == entry.PixelValue))
                    throw InspectaUserException.ForFile(source, $"pixel_value {entry.PixelValue} is used by two defects.");
                list.Add(entry);
            }
            return list;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw InspectaUserException.ForFile(source, $"not a valid defects config ({ex.Message}).", ex);
        }
    }
}
