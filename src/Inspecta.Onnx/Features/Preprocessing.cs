using System.Text.Json.Nodes;
using Inspecta.Imaging;

namespace Inspecta.Features;

/// <summary>
/// How an image becomes backbone input: gray → RGB, bilinear (antialiased) resize to
/// <see cref="ResizeTo"/>², optional center crop to <see cref="CropTo"/>², ImageNet mean/std
/// normalisation. Stored in the model manifest so a reloaded model sees exactly the same input.
/// </summary>
/// <param name="ResizeTo">Square size the whole image is resized to (224 by default; 256 with the paper's center crop).</param>
/// <param name="CropTo">Square center crop after resizing, or null for none.</param>
/// <param name="ImageNetNormalize">Subtract ImageNet mean and divide by std per channel (RGB order).</param>
public sealed record Preprocessing(int ResizeTo, int? CropTo = null, bool ImageNetNormalize = true)
{
    /// <summary>The default: whole image to 224×224, ImageNet normalisation.</summary>
    public static Preprocessing Default { get; } = new(224);

    /// <summary>The PatchCore/PaDiM papers' protocol: resize to 256, center crop 224.</summary>
    public static Preprocessing PaperCenterCrop { get; } = new(256, 224);

    /// <summary>Builds the preprocessing for the CLI options <c>--image-size</c> and <c>--center-crop</c>.</summary>
    public static Preprocessing For(int imageSize, bool centerCrop)
    {
        if (imageSize < 32 || imageSize > 4096) throw new InspectaUserException($"--image-size must be between 32 and 4096, got {imageSize}.");
        // The paper resizes to 256 and crops 224: keep that 8/7 ratio for other sizes.
        return centerCrop ? new Preprocessing((int)Math.Round(imageSize * 8.0 / 7.0), imageSize) : new Preprocessing(imageSize);
    }

    /// <summary>Side of the square image the features describe (after resize and crop).</summary>
    public int InputSize => CropTo ?? ResizeTo;

    /// <summary>
    /// Pixels mirrored onto every side of the input before it enters the network, so that the network's own zero
    /// padding falls outside the image and border patches look like interior ones. The consumer crops the margin
    /// off the feature maps (<see cref="FeatureMap.CropBorder"/>). 0 (the default) for every method but the feature dictionary.
    /// </summary>
    public int ReflectPad { get; init; }

    /// <summary>Side of the square tensor the network sees: <see cref="InputSize"/> plus the reflected margins.</summary>
    public int NetworkSize => InputSize + 2 * ReflectPad;

    /// <summary>Turns a decoded image (gray or RGB, [0,1]) into the normalised RGB network input.</summary>
    public ImageF Apply(ImageF image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgb = image.Channels == 3 ? image : ColorConversion.ToRgb(image);
        var resized = Resize.Bilinear(rgb, ResizeTo, ResizeTo, true);
        var cropped = CropTo is int c ? Crop.Center(resized, c, c) : resized;
        var padded = Padding.Reflect(cropped, ReflectPad);
        return ImageNetNormalize ? Normalization.ImageNet(padded) : padded;
    }

    /// <summary>
    /// Maps an anomaly map computed on the network input (InputSize²) back onto the original image:
    /// with a crop, the map is placed into the resized frame and the uncovered border takes the nearest
    /// map value (the detector never saw it), then the frame is resized bilinearly to the original size.
    /// </summary>
    public AnomalyMap ToOriginal(AnomalyMap inputMap, int originalHeight, int originalWidth)
    {
        ArgumentNullException.ThrowIfNull(inputMap);
        var frame = inputMap;
        if (CropTo is int c)
        {
            frame = new AnomalyMap(ResizeTo, ResizeTo);
            int off = (ResizeTo - c) / 2;
            for (int y = 0; y < ResizeTo; y++)
            {
                int sy = Math.Clamp(y - off, 0, c - 1);
                var src = inputMap.Data.AsSpan(sy * c, c);
                var dst = frame.Data.AsSpan(y * ResizeTo, ResizeTo);
                for (int x = 0; x < ResizeTo; x++) dst[x] = src[Math.Clamp(x - off, 0, c - 1)];
            }
        }
        return frame.Height == originalHeight && frame.Width == originalWidth
            ? frame
            : Resize.Bilinear(frame, originalHeight, originalWidth);
    }

    public JsonObject ToJson() => new()
    {
        ["resize"] = ResizeTo,
        ["center_crop"] = CropTo is int c ? c : null,
        ["normalization"] = ImageNetNormalize ? "imagenet" : "none",
        ["color"] = "rgb",
        // Written only when used, so the manifests of every other method stay as they were.
        ["reflect_pad"] = ReflectPad > 0 ? ReflectPad : null,
    };

    public static Preprocessing FromJson(JsonNode? node, Func<string, Exception> error)
    {
        if (node is not JsonObject o) throw error("the manifest has no 'preprocessing'.");
        int resize = o["resize"]?.GetValue<int>() ?? throw error("preprocessing has no 'resize'.");
        int? crop = o["center_crop"]?.GetValue<int>();
        string norm = o["normalization"]?.GetValue<string>() ?? "imagenet";
        if (norm is not ("imagenet" or "none")) throw error($"unknown normalization '{norm}'.");
        int pad = o["reflect_pad"]?.GetValue<int>() ?? 0;
        if (pad < 0 || pad >= (crop ?? resize)) throw error($"preprocessing 'reflect_pad' {pad} is out of range.");
        return new Preprocessing(resize, crop, norm == "imagenet") { ReflectPad = pad };
    }
}
