using Inspecta.Imaging;
using StbImageWriteSharp;

namespace Inspecta.Reporting;

/// <summary>Encodes report pictures (RGB or grey <see cref="ImageF"/> in [0, 1]) as PNG or JPEG bytes.</summary>
public static class ReportImageEncoder
{
    public static byte[] Png(ImageF image)
    {
        var (bytes, comp) = Interleave(image);
        using var ms = new MemoryStream();
        new ImageWriter().WritePng(bytes, image.Width, image.Height, comp, ms);
        return ms.ToArray();
    }

    /// <param name="quality">1–100; 85 keeps heat-map gradients clean at a fraction of PNG size.</param>
    public static byte[] Jpeg(ImageF image, int quality = 85)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var (bytes, comp) = Interleave(image);
        using var ms = new MemoryStream();
        new ImageWriter().WriteJpg(bytes, image.Width, image.Height, comp, ms, quality);
        return ms.ToArray();
    }

    private static (byte[] Bytes, ColorComponents Comp) Interleave(ImageF image)
    {
        if (image.Channels is not (1 or 3))
            throw new ArgumentException($"Only grey or RGB images can be encoded, got {image.Channels} channels.", nameof(image));
        int c = image.Channels, plane = image.PlaneSize;
        var bytes = new byte[plane * c];
        for (int ch = 0; ch < c; ch++)
        {
            ReadOnlySpan<float> src = image.Plane(ch);
            for (int i = 0; i < plane; i++)
                bytes[i * c + ch] = (byte)(Math.Clamp(src[i], 0f, 1f) * 255f + 0.5f);
        }
        return (bytes, c == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
    }
}
