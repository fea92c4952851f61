using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// The one rule that turns a prediction into "good" or "defective": an image is defective iff the mask
/// {pixel score &gt; <see cref="PixelThreshold"/>} has an 8-connected region of at least <see cref="MinDefectArea"/> pixels
/// (for per-point scores: at least that many points above the threshold). <c>predict</c>, <c>eval</c>, the report,
/// <c>bench</c> and the server all judge through this type, so they agree image by image.
/// </summary>
/// <remarks>
/// Why this rule and not "image score &gt; image threshold": the max-area calibration chooses the pixel threshold so that no
/// region of the good validation maps reaches the minimum defect area, i.e. exactly this rule passes every good validation
/// image. A separately calibrated image threshold contradicts the mask the user sees (a large predicted region on a
/// "good" image, or a "defect" without a region); one rule on the mask cannot.
/// </remarks>
public sealed record VerdictRule
{
    /// <summary>Pixel (or point) threshold: a pixel is anomalous when its score is strictly above it.</summary>
    public double PixelThreshold { get; }
    /// <summary>Smallest region, in pixels at the map's resolution, that makes an image defective (≥ 1).</summary>
    public int MinDefectArea { get; }
    /// <summary>Where the numbers came from, e.g. "stored max-area (21 validation images)" or "--threshold".</summary>
    public string Source { get; init; } = "given";

    public const Connectivity Neighbourhood = Connectivity.Eight;

    public VerdictRule(double pixelThreshold, int minDefectArea)
    {
        if (!double.IsFinite(pixelThreshold)) throw new InspectaUserException($"The pixel threshold must be a finite number, got {pixelThreshold}.");
        if (minDefectArea < 1) throw new InspectaUserException($"The minimum defect area must be at least 1 pixel, got {minDefectArea}.");
        PixelThreshold = pixelThreshold;
        MinDefectArea = minDefectArea;
    }

    /// <summary>The model's stored rule; null when it was fitted without validation images. Point-cloud models
    /// (estimator "max", no area) judge "any point above the point threshold".</summary>
    public static VerdictRule? From(CalibratedThresholds? thresholds) => thresholds is null ? null
        : new VerdictRule(thresholds.Pixel, Math.Max(1, thresholds.MinDefectArea))
        {
            Source = $"stored {thresholds.Estimator} ({thresholds.ValidationImages} good validation images)",
        };

    /// <summary>This rule with a user's overrides (<c>--threshold</c>, <c>--min-defect-area</c>); unchanged when both are null.</summary>
    public VerdictRule Override(double? pixelThreshold, int? minDefectArea)
    {
        if (pixelThreshold is null && minDefectArea is null) return this;
        string what = string.Join(" and ", new[] { pixelThreshold is null ? null : "--threshold", minDefectArea is null ? null : "--min-defect-area" }.Where(s => s is not null));
        return new VerdictRule(pixelThreshold ?? PixelThreshold, minDefectArea ?? MinDefectArea) { Source = $"{what} given (stored rule: {PixelThreshold.ToString("G6", CultureInfo.InvariantCulture)}, {MinDefectArea} px)" };
    }

    /// <summary>
    /// The rule <c>predict</c> and the server judge with: the stored rule with the user's overrides; a model without
    /// calibration judges only when a threshold is given (null: no verdict).
    /// </summary>
    public static VerdictRule? Resolve(VerdictRule? stored, double? pixelThreshold, int? minDefectArea, string modelPath)
    {
        if (stored is not null) return stored.Override(pixelThreshold, minDefectArea);
        if (pixelThreshold is double t) return new VerdictRule(t, minDefectArea ?? 1) { Source = "--threshold given (the model has no stored threshold)" };
        if (minDefectArea is not null)
            throw InspectaUserException.ForFile(modelPath, "the model has no stored threshold, so --min-defect-area needs --threshold as well.");
        return null;
    }

    public ImageVerdict Judge(Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.Map is { } map) return Judge(map);
        if (prediction.PointScores is { } points) return Judge(points);
        throw new ArgumentException("The prediction has neither a map nor point scores.", nameof(prediction));
    }

    /// <summary>Segments the map at the threshold and measures its largest 8-connected region.</summary>
    public ImageVerdict Judge(AnomalyMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var mask = new Mask(map.Height, map.Width);
        ReadOnlySpan<float> src = map.Data;
        Span<byte> dst = mask.Data;
        double t = PixelThreshold; // compared in double: a float score against a threshold between two floats stays exact
        int above = 0;
        for (int i = 0; i < src.Length; i++)
            if (src[i] > t) { dst[i] = 255; above++; }
        int largest = 0;
        if (above > 0)
        {
            var (labels, count) = ConnectedComponents.Label(mask, Neighbourhood);
            largest = ConnectedComponents.LargestComponentSize(labels, count);
        }
        return new ImageVerdict(largest >= MinDefectArea, largest, above) { Mask = mask };
    }

    /// <summary>Per-point scores: a region is not defined without neighbourhoods, so the area counts points above.</summary>
    public ImageVerdict Judge(ReadOnlySpan<float> pointScores)
    {
        int above = 0;
        foreach (float v in pointScores) if (v > PixelThreshold) above++;
        return new ImageVerdict(above >= MinDefectArea, above, above);
    }

    /// <summary>One sentence for terminals and reports.</summary>
    public string Describe() => MinDefectArea == 1
        ? $"defective iff any pixel scores above {PixelThreshold.ToString("G6", CultureInfo.InvariantCulture)}"
        : $"defective iff the pixels scoring above {PixelThreshold.ToString("G6", CultureInfo.InvariantCulture)} form an 8-connected region of at least {MinDefectArea} px";

    public JsonObject ToJson() => new()
    {
        ["pixel_threshold"] = PixelThreshold,
        ["min_defect_area"] = MinDefectArea,
        ["connectivity"] = 8,
        ["source"] = Source,
        ["rule"] = Describe(),
    };
}
