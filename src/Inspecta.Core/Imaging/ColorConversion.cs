using System.Numerics.Tensors;

namespace Inspecta.Imaging;

/// <summary>Channel conversions between gray (1 channel) and RGB (3 channels).</summary>
public static class ColorConversion
{
    /// <summary>Gray → RGB by replicating the plane; an RGB image is returned as is (no copy).</summary>
    public static ImageF ToRgb(ImageF image)
    {
        if (image.Channels == 3) return image;
        if (image.Channels != 1) throw new ArgumentException($"ToRgb expects 1 or 3 channels, got {image.Channels}.", nameof(image));
        var rgb = new ImageF(3, image.Height, image.Width);
        for (int c = 0; c < 3; c++) image.Data.AsSpan().CopyTo(rgb.Plane(c));
        return rgb;
    }

    /// <summary>RGB → gray with the ITU-R BT.601 luma weights (0.299, 0.587, 0.114), as PIL's "L" mode;
    /// a gray image is returned as is (no copy).</summary>
    public static ImageF ToGray(ImageF image)
    {
        if (image.Channels == 1) return image;
        if (image.Channels != 3) throw new ArgumentException($"ToGray expects 1 or 3 channels, got {image.Channels}.", nameof(image));
        var gray = new ImageF(1, image.Height, image.Width);
        var dst = gray.Data.AsSpan();
        TensorPrimitives.Multiply(image.Plane(0), 0.299f, dst);
        TensorPrimitives.MultiplyAdd(image.Plane(1), 0.587f, dst, dst);
        TensorPrimitives.MultiplyAdd(image.Plane(2), 0.114f, dst, dst);
        return gray;
    }
}
