namespace Inspecta.Imaging.Codecs;

/// <summary>PNG colour types (PNG spec §11.2.2).</summary>
internal enum PngColorType : byte { Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6 }

/// <summary>
/// A decoded PNG before any conversion: one ushort per sample (palette images hold indices),
/// interleaved, row-major, de-interlaced. Keeping raw samples lets images scale to [0, 1] and
/// masks keep their exact label values.
/// </summary>
internal sealed class PngRaster(int width, int height, PngColorType colorType, int bitDepth, ushort[] samples, byte[]? palette)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public PngColorType ColorType { get; } = colorType;
    public int BitDepth { get; } = bitDepth;
    public ushort[] Samples { get; } = samples;
    /// <summary>RGB triplets of the PLTE chunk (palette images only).</summary>
    public byte[]? Palette { get; } = palette;
    public int SamplesPerPixel => PngHeader.SamplesPerPixel(ColorType);
}

/// <summary>The IHDR facts.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    public static int SamplesPerPixel(PngColorType t) => t switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Channels after decoding to an image: alpha dropped, palette expanded to RGB.</summary>
    public int ImageChannels => ColorType is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;
}
