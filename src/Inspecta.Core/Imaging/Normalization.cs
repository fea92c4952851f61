using System.Numerics.Tensors;

namespace Inspecta.Imaging;

/// <summary>Per-channel (x − mean) / std normalisation, as CNN backbones expect.</summary>
public static class Normalization
{
    public static ReadOnlySpan<float> ImageNetMean => [0.485f, 0.456f, 0.406f];
    public static ReadOnlySpan<float> ImageNetStd => [0.229f, 0.224f, 0.225f];

    /// <summary>A normalised copy of an RGB image in [0, 1] with the ImageNet statistics.</summary>
    public static ImageF ImageNet(ImageF rgb)
    {
        if (rgb.Channels != 3) throw new ArgumentException($"ImageNet normalisation needs 3 (RGB) channels, got {rgb.Channels}; convert gray with ColorConversion.ToRgb.", nameof(rgb));
        return Apply(rgb, ImageNetMean, ImageNetStd);
    }

    /// <summary>A copy with channel c mapped to (x − mean[c]) / std[c].</summary>
    public static ImageF Apply(ImageF image, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length != image.Channels || std.Length != image.Channels)
            throw new ArgumentException($"Need one mean and std per channel ({image.Channels}), got {mean.Length} and {std.Length}.");
        var result = new ImageF(image.Channels, image.Height, image.Width);
        for (int c = 0; c < image.Channels; c++)
        {
            if (!(std[c] > 0)) throw new ArgumentOutOfRangeException(nameof(std), $"std[{c}] must be positive, got {std[c]}.");
            var dst = result.Plane(c);
            TensorPrimitives.Subtract(image.Plane(c), mean[c], dst);
            TensorPrimitives.Divide(dst, std[c], dst);
        }
        return result;
    }
}
