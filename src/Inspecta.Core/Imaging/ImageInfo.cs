namespace Inspecta.Imaging;

/// <summary>
/// Header facts of an image file, read without decoding the pixels.
/// </summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">Channels that <see cref="ImageIO.Read"/> returns (alpha dropped, palette expanded to RGB).</param>
/// <param name="BitDepth">Bits per sample in the file (1–16 for integer images, 32 or 64 for float TIFF).</param>
public sealed record ImageInfo(int Width, int Height, int Channels, int BitDepth);
