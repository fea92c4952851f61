using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// What a model's training images looked like (sizes, channels, integer or float samples; manifest key "inputs"), and
/// the check of an image to predict against it from the file header alone, before its pixels are decoded: a model
/// silently scores a 1×1 PNG, a 20000×3 strip or an xyz TIFF, and an 8000×8000 image takes gigabytes.
/// </summary>
/// <remarks>Refused (a user error naming the file): more than <see cref="MaxPixels"/> pixels (every model, also files
/// written before this record existed), an aspect ratio off by more than <see cref="RefusedAspectFactor"/>, a side below
/// 1/<see cref="RefusedShrinkFactor"/> of the smallest training side. Warned: other size or aspect differences beyond
/// <see cref="WarnedSizeFactor"/>, other channels, float samples for a model trained on 8/16-bit images.</remarks>
public sealed record InputExpectations(int MinWidth, int MaxWidth, int MinHeight, int MaxHeight, IReadOnlyList<int> Channels, bool FloatSamples, int Images)
{
    /// <summary>
    /// The pixel budget of one input (40 MP, e.g. 6300×6300). Prediction peaks at about 50 bytes per input pixel (the
    /// decoded float image, its resized copies, the full-size map, the overlay: 3.2 GB measured for an 8000×8000 image),
    /// so 40 MP stays near 2 GB. Larger inputs are refused from the header, before decoding.
    /// </summary>
    public const long MaxPixels = 40_000_000;
    public const double RefusedAspectFactor = 2, RefusedShrinkFactor = 4, WarnedSizeFactor = 1.5;

    /// <summary>The expectations from the headers of the training images (null when none is a 2D image).</summary>
    public static InputExpectations? From(IReadOnlyList<Sample> train)
    {
        var infos = train.Where(s => s.GeometryPath is null && (s.Image is not null || !string.IsNullOrEmpty(s.Path))).Select(s => s.ReadImageInfo()).ToList();
        if (infos.Count == 0) return null;
        return new InputExpectations(infos.Min(i => i.Width), infos.Max(i => i.Width), infos.Min(i => i.Height), infos.Max(i => i.Height),
            infos.Select(i => i.Channels).Distinct().Order().ToArray(), infos.Any(i => i.BitDepth >= 32), infos.Count);
    }

    /// <summary>Refuses an image beyond the pixel budget (any model), from its header.</summary>
    public static void RequireWithinBudget(ImageInfo info, string path, long maxPixels = MaxPixels)
    {
        long pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
            throw InspectaUserException.ForFile(path, string.Create(CultureInfo.InvariantCulture,
                $"is {info.Width}×{info.Height} = {pixels / 1e6:F1} megapixels, above the {maxPixels / 1e6:F0}-megapixel budget of one input (about 50 bytes per pixel while predicting); crop or downscale it to the size the model was trained on."));
    }

    /// <summary>Checks one image's header against the training images: throws for what cannot give a meaningful map,
    /// returns warnings for what may be wrong.</summary>
    public IReadOnlyList<string> Check(ImageInfo info, string path)
    {
        var warnings = new List<string>();
        string trained = MinWidth == MaxWidth && MinHeight == MaxHeight ? $"{MinWidth}×{MinHeight}" : $"{MinWidth}–{MaxWidth}×{MinHeight}–{MaxHeight}";
        double aspect = (double)info.Width / info.Height, minAspect = (double)MinWidth / MaxHeight, maxAspect = (double)MaxWidth / MinHeight;
        double aspectOff = Math.Max(minAspect / aspect, aspect / maxAspect);
        if (aspectOff > RefusedAspectFactor)
            throw InspectaUserException.ForFile(path, string.Create(CultureInfo.InvariantCulture,
                $"is {info.Width}×{info.Height} (aspect {aspect:G3}), but the model was trained on {trained} images: the aspect ratio differs {aspectOff:F1}× (more than {RefusedAspectFactor}×), so the map would not mean anything. Crop it like the training images."));
        if (info.Width * RefusedShrinkFactor < MinWidth || info.Height * RefusedShrinkFactor < MinHeight)
            throw InspectaUserException.ForFile(path,
                $"is {info.Width}×{info.Height}, less than 1/{RefusedShrinkFactor} of the {trained} training images: too small for the model to see defects at the trained scale.");
        if (aspectOff > 1.25 || info.Width * WarnedSizeFactor < MinWidth || info.Width > MaxWidth * WarnedSizeFactor
            || info.Height * WarnedSizeFactor < MinHeight || info.Height > MaxHeight * WarnedSizeFactor)
            warnings.Add($"{path}: is {info.Width}×{info.Height}, the model was trained on {trained} images; defects appear at another scale, so scores may not compare with the threshold.");
        if (!Channels.Contains(info.Channels))
            warnings.Add($"{path}: has {info.Channels} channel(s), the model was trained on {string.Join(" or ", Channels)}-channel images; it is converted, but colour information may be missing or invented.");
        if (info.BitDepth >= 32 && !FloatSamples)
            warnings.Add($"{path}: holds float samples (e.g. an xyz or depth TIFF), the model was trained on 8/16-bit images; its raw values are not comparable.");
        return warnings;
    }

    public JsonObject ToJson() => new()
    {
        ["width"] = new JsonArray(MinWidth, MaxWidth),
        ["height"] = new JsonArray(MinHeight, MaxHeight),
        ["channels"] = new JsonArray([.. Channels.Select(c => (JsonNode)c)]),
        ["float_samples"] = FloatSamples,
        ["images"] = Images,
    };

    /// <summary>Null for model files written before the record existed (they are checked against the pixel budget only).</summary>
    public static InputExpectations? FromJson(JsonNode? node) => node is JsonObject o
        ? new InputExpectations(o["width"]![0]!.GetValue<int>(), o["width"]![1]!.GetValue<int>(), o["height"]![0]!.GetValue<int>(), o["height"]![1]!.GetValue<int>(),
            [.. o["channels"]!.AsArray().Select(c => c!.GetValue<int>())], o["float_samples"]?.GetValue<bool>() ?? false, o["images"]?.GetValue<int>() ?? 0)
        : null;
}
