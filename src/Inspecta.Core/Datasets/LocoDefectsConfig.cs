using System.Text.Json;

namespace Inspecta.Datasets;

/// <summary>One entry of MVTec LOCO AD's <c>defects_config.json</c>.</summary>
/// <param name="DefectName">Defect type, e.g. "missing_part".</param>
/// <param name="PixelValue">Value of the annotated pixels in this defect's ground-truth channel PNG.</param>
/// <param name="SaturationThreshold">sPRO saturation: a pixel count (absolute) or a fraction of the region (relative).</param>
/// <param name="RelativeSaturation">Whether <paramref name="SaturationThreshold"/> is relative to the region area.</param>
/// <remarks>The sPRO saturation rule itself is applied by <c>Evaluation.DefectSaturation</c>.</remarks>
public sealed record LocoDefectEntry(string DefectName, int PixelValue, double SaturationThreshold, bool RelativeSaturation);

/// <summary>The parsed <c>defects_config.json</c> of a MVTec LOCO AD category.</summary>
public sealed record LocoDefectsConfig(IReadOnlyList<LocoDefectEntry> Entries)
{
    public const string FileName = "defects_config.json";

    /// <summary>The entry whose pixel value is <paramref name="pixelValue"/>, or null.</summary>
    public LocoDefectEntry? FindByPixelValue(int pixelValue) => Entries.FirstOrDefault(e => e.PixelValue == pixelValue);

    /// <summary>
    /// The defect type of one ground-truth channel: the entry matching the channel's non-zero pixel value.
    /// A channel whose value is not in the config is a user error naming <paramref name="channelPath"/>.
    /// </summary>
    public LocoDefectEntry ForChannel(Imaging.Mask channel, string channelPath)
    {
        int value = 0;
        foreach (byte b in channel.Data) if (b != 0) { value = b; break; }
        if (value == 0) throw InspectaUserException.ForFile(channelPath, "ground-truth channel has no annotated pixels.");
        return FindByPixelValue(value)
            ?? throw InspectaUserException.ForFile(channelPath, $"pixel value {value} is not in {FileName} (known: {string.Join(", ", Entries.Select(e => $"{e.PixelValue}={e.DefectName}"))}).");
    }

    public static LocoDefectsConfig Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw InspectaUserException.ForFile(path, "expected a JSON array of defect entries.");
            var entries = new List<LocoDefectEntry>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                string name = e.GetProperty("defect_name").GetString() ?? throw InspectaUserException.ForFile(path, "defect_name is null.");
                int pixel = e.GetProperty("pixel_value").GetInt32();
                double threshold = e.GetProperty("saturation_threshold").GetDouble();
                bool relative = e.GetProperty("relative_saturation").GetBoolean();
                if (pixel is < 1 or > 255) throw InspectaUserException.ForFile(path, $"pixel_value {pixel} of '{name}' is not in 1–255.");
                if (!(threshold > 0)) throw InspectaUserException.ForFile(path, $"saturation_threshold {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)} of '{name}' must be positive.");
                entries.Add(new LocoDefectEntry(name, pixel, threshold, relative));
            }
            var dup = entries.GroupBy(e => e.PixelValue).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null) throw InspectaUserException.ForFile(path, $"pixel_value {dup.Key} is used by several defects.");
            return new LocoDefectsConfig(entries);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw InspectaUserException.ForFile(path, $"invalid {FileName}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InspectaUserException.ForFile(path, $"cannot read ({ex.Message}).", ex);
        }
    }
}
