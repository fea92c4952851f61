using Inspecta.Imaging.Codecs;
using StbImageSharp;

namespace Inspecta.Imaging;

/// <summary>
/// Reads and writes images. The format comes from the file's magic bytes, not its extension.
/// <list type="bullet">
/// <item>PNG (own decoder): 1–16-bit gray, gray+alpha, RGB, RGBA, palette; Adam7.</item>
/// <item>JPEG and BMP (StbImageSharp), TIFF (LibTiff): 8/16-bit unsigned, 32/64-bit float.</item>
/// </list>
/// Images: integer samples scale to [0, 1], float TIFF samples keep their values. Alpha is dropped
/// (gray+alpha → 1 channel, RGBA → 3), palettes expand to RGB, gray stays 1 channel.
/// Every failure is an <see cref="InspectaUserException"/> naming the file and the problem.
/// </summary>
public static class ImageIO
{
    private const int HeaderProbeBytes = 8 * 1024;

    public static ImageF Read(string path) => Decode(ReadAllBytes(path), path);

    /// <summary>
    /// Decodes an image held in memory (an upload) exactly as <see cref="Read"/> decodes the same bytes from a file;
    /// <paramref name="name"/> stands for the file in messages.
    /// </summary>
    public static ImageF Decode(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (PngDecoder.IsPng(bytes)) return PngDecoder.TryDecodeImage8(bytes, name) ?? PngToImage(PngDecoder.Decode(bytes, name), name);
        if (TiffCodec.IsTiff(bytes)) return TiffCodec.Read(bytes, name);
        if (JpegBmpHeader.IsJpeg(bytes) || JpegBmpHeader.IsBmp(bytes)) return ReadWithStb(bytes, name);
        throw Unsupported(name);
    }

    /// <summary>True when the bytes start like a PNG, TIFF, JPEG or BMP file (what <see cref="Decode"/> may read).</summary>
    public static bool IsKnownFormat(ReadOnlySpan<byte> head) =>
        PngDecoder.IsPng(head) || TiffCodec.IsTiff(head) || JpegBmpHeader.IsJpeg(head) || JpegBmpHeader.IsBmp(head);

    /// <summary><see cref="ReadInfo(string)"/> for bytes in memory: the header only, so a server can refuse an image
    /// whose header claims more pixels than it accepts before any pixel buffer is allocated.</summary>
    public static ImageInfo ReadInfo(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (PngDecoder.IsPng(bytes)) return PngInfo(bytes, name);
        if (TiffCodec.IsTiff(bytes)) return TiffCodec.ReadInfo(bytes, name);
        if (JpegBmpHeader.IsBmp(bytes)) return JpegBmpHeader.Bmp(bytes, name);
        if (JpegBmpHeader.IsJpeg(bytes)) return JpegBmpHeader.Read(bytes, name);
        throw Unsupported(name);
    }

    /// <summary>Float/8/16-bit TIFF (kept for callers of the first cut; <see cref="Read"/> dispatches here).</summary>
    public static ImageF ReadTiff(string path) => TiffCodec.Read(ReadAllBytes(path), path);

    /// <summary>
    /// Reads a mask keeping its raw 8-bit values (MVTec LOCO encodes the defect type in the pixel value).
    /// Gray PNGs keep their samples (1/2/4-bit scaled to 0–255, 16-bit saturated at 255 so that
    /// small label values survive), palette PNGs give the palette index, colour images the
    /// maximum over R, G, B. Other formats are read as images and scaled to 0–255.
    /// </summary>
    public static Mask ReadMask(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        if (PngDecoder.IsPng(bytes)) return PngToMask(PngDecoder.Decode(bytes, path));
        var image = Read(path);
        var mask = new Mask(image.Height, image.Width);
        int plane = image.PlaneSize;
        for (int i = 0; i < plane; i++)
        {
            float v = 0;
            for (int c = 0; c < image.Channels; c++) v = Math.Max(v, image.Data[c * plane + i]);
            mask.Data[i] = (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
        }
        return mask;
    }

    /// <summary>Width, height, channels (as <see cref="Read"/> returns them) and bit depth, from the header only.</summary>
    public static ImageInfo ReadInfo(string path)
    {
        byte[] head = ReadHead(path, HeaderProbeBytes);
        if (PngDecoder.IsPng(head)) return PngInfo(head, path);
        // TIFF headers may sit anywhere in the file (the IFD offset is free), so read it whole.
        if (TiffCodec.IsTiff(head)) return TiffCodec.ReadInfo(ReadAllBytes(path), path);
        if (JpegBmpHeader.IsBmp(head)) return JpegBmpHeader.Bmp(head, path);
        if (JpegBmpHeader.IsJpeg(head))
            // Markers before SOF (EXIF thumbnails) can exceed the probe; then parse the whole file.
            return JpegBmpHeader.TryJpeg(head, path) ?? JpegBmpHeader.Read(ReadAllBytes(path), path);
        throw Unsupported(path);
    }

    /// <summary>Size, channels and bit depth from a PNG's IHDR (palette images decode to 8-bit samples).</summary>
    private static ImageInfo PngInfo(byte[] head, string name)
    {
        var h = PngDecoder.ReadHeader(head, name);
        return new ImageInfo(h.Width, h.Height, h.ImageChannels, h.ColorType == PngColorType.Palette ? 8 : h.BitDepth);
    }

    /// <summary>
    /// Writes 1 (gray), 3 (RGB) or 4 (RGBA) channels as an 8- or 16-bit PNG. Values are clamped to
    /// [0, 1] and rounded, so images read from 8/16-bit files round-trip exactly.
    /// </summary>
    public static void WritePng(string path, ImageF image, int bitDepth = 8)
    {
        byte[] png = EncodePng(image, bitDepth);
        WriteFile(path, s => s.Write(png));
    }

    /// <summary>The bytes <see cref="WritePng(string, ImageF, int)"/> writes (a server sends them instead).</summary>
    public static byte[] EncodePng(ImageF image, int bitDepth = 8)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), $"PNG bit depth must be 8 or 16, got {bitDepth}.");
        var colorType = image.Channels switch
        {
            1 => PngColorType.Gray,
            3 => PngColorType.Rgb,
            4 => PngColorType.Rgba,
            _ => throw new ArgumentException($"PNG output needs 1, 3 or 4 channels, got {image.Channels}.", nameof(image)),
        };
        int c = image.Channels, plane = image.PlaneSize, bytesPerSample = bitDepth / 8;
        var raw = new byte[checked(plane * c * bytesPerSample)];
        float scale = bitDepth == 8 ? 255f : 65535f;
        for (int ch = 0; ch < c; ch++)
        {
            var src = image.Plane(ch);
            for (int i = 0; i < src.Length; i++)
            {
                float v = src[i];
                if (float.IsNaN(v)) throw new ArgumentException($"Cannot write NaN to PNG (channel {ch}, pixel {i}).", nameof(image));
                int q = (int)MathF.Round(Math.Clamp(v, 0f, 1f) * scale);
                int o = (i * c + ch) * bytesPerSample;
                if (bitDepth == 8) raw[o] = (byte)q;
                else { raw[o] = (byte)(q >> 8); raw[o + 1] = (byte)q; }
            }
        }
        return Encode(s => PngEncoder.Write(s, image.Width, image.Height, colorType, bitDepth, raw));
    }

    /// <summary>Writes the mask's raw bytes as an 8-bit gray PNG.</summary>
    public static void WritePng(string path, Mask mask)
    {
        byte[] png = EncodePng(mask);
        WriteFile(path, s => s.Write(png));
    }

    /// <summary>The bytes <see cref="WritePng(string, Mask)"/> writes.</summary>
    public static byte[] EncodePng(Mask mask) =>
        Encode(s => PngEncoder.Write(s, mask.Width, mask.Height, PngColorType.Gray, 8, mask.Data));

    /// <summary>The bytes <see cref="WriteTiff(string, AnomalyMap)"/> writes: an uncompressed float32 TIFF.</summary>
    public static byte[] EncodeTiff(AnomalyMap map) => TiffCodec.WriteFloat(map.AsImage());

    private static byte[] Encode(Action<Stream> write)
    {
        using var memory = new MemoryStream();
        write(memory);
        return memory.ToArray();
    }

    /// <summary>Writes an uncompressed float32 TIFF with 1 or 3 channels (raw values, lossless).</summary>
    public static void WriteTiff(string path, ImageF image)
    {
        byte[] bytes = TiffCodec.WriteFloat(image);
        WriteFile(path, s => s.Write(bytes));
    }

    public static void WriteTiff(string path, AnomalyMap map) => WriteTiff(path, map.AsImage());

    private static ImageF PngToImage(PngRaster r, string path)
    {
        int plane = r.Width * r.Height, spp = r.SamplesPerPixel;
        var s = r.Samples;
        if (r.ColorType == PngColorType.Palette)
        {
            var pal = r.Palette!;
            int entries = pal.Length / 3;
            var rgb = new ImageF(3, r.Height, r.Width);
            for (int i = 0; i < plane; i++)
            {
                int idx = s[i];
                if (idx >= entries) throw InspectaUserException.ForFile(path, $"corrupt PNG: palette index {idx} beyond the {entries}-entry palette.");
                for (int c = 0; c < 3; c++) rgb.Data[c * plane + i] = pal[3 * idx + c] / 255f;
            }
            return rgb;
        }
        int channels = r.ColorType is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;
        // Divide (not multiply by a reciprocal) so 8-bit values equal v / 255f exactly, as every other decoder gives.
        float max = (1 << r.BitDepth) - 1;
        var img = new ImageF(channels, r.Height, r.Width);
        for (int c = 0; c < channels; c++)
        {
            var dst = img.Plane(c);
            for (int i = 0, j = c; i < plane; i++, j += spp) dst[i] = s[j] / max;
        }
        return img;
    }

    private static Mask PngToMask(PngRaster r)
    {
        int plane = r.Width * r.Height, spp = r.SamplesPerPixel;
        var s = r.Samples;
        var mask = new Mask(r.Height, r.Width);
        var d = mask.Data;
        if (r.ColorType == PngColorType.Palette || r.BitDepth == 8 || r.BitDepth == 16)
        {
            // Colour masks: any non-zero channel marks the pixel; the brightest channel is the value.
            int colour = r.ColorType is PngColorType.Rgb or PngColorType.Rgba ? 3 : 1;
            for (int i = 0; i < plane; i++)
            {
                int v = s[i * spp];
                for (int c = 1; c < colour; c++) v = Math.Max(v, s[i * spp + c]);
                d[i] = (byte)Math.Min(v, 255);
            }
        }
        else
        {
            int max = (1 << r.BitDepth) - 1;
            for (int i = 0; i < plane; i++) d[i] = (byte)(s[i * spp] * 255 / max);
        }
        return mask;
    }

    private static ImageF ReadWithStb(byte[] bytes, string path)
    {
        try
        {
            var info = JpegBmpHeader.Read(bytes, path);
            if (JpegBmpHeader.IsJpeg(bytes) && !HasEndOfImage(bytes)) throw InspectaUserException.ForFile(path, "corrupt JPEG: truncated (no end-of-image marker).");
            var comp = info.Channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue;
            var r = ImageResult.FromMemory(bytes, comp);
            int c = comp == ColorComponents.Grey ? 1 : 3, plane = r.Width * r.Height;
            var img = new ImageF(c, r.Height, r.Width);
            for (int ch = 0; ch < c; ch++)
            {
                var dst = img.Plane(ch);
                for (int i = 0, j = ch; i < plane; i++, j += c) dst[i] = r.Data[j] / 255f;
            }
            return img;
        }
        catch (InspectaUserException) { throw; }
        catch (Exception ex) { throw InspectaUserException.ForFile(path, $"corrupt image: cannot decode ({ex.Message}).", ex); }
    }

    /// <summary>JPEG files end with FFD9 (possibly followed by padding); a missing one means truncation.</summary>
    private static bool HasEndOfImage(ReadOnlySpan<byte> b)
    {
        int end = Math.Max(2, b.Length - 4096);
        for (int i = b.Length - 2; i >= end; i--) if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
        return false;
    }

    private static InspectaUserException Unsupported(string path) =>
        InspectaUserException.ForFile(path, "unsupported or unrecognised image format (supported: PNG, JPEG, BMP, TIFF).");

    private static byte[] ReadAllBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException) { throw InspectaUserException.ForFile(path, "file not found.", ex); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw InspectaUserException.ForFile(path, $"cannot read ({ex.Message}).", ex); }
    }

    private static byte[] ReadHead(string path, int count)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var buf = new byte[(int)Math.Min(count, f.Length)];
            f.ReadExactly(buf);
            return buf;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException) { throw InspectaUserException.ForFile(path, "file not found.", ex); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw InspectaUserException.ForFile(path, $"cannot read ({ex.Message}).", ex); }
    }

    /// <summary>Writes through a temporary file and renames it, so readers never see half a file.</summary>
    private static void WriteFile(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string tmp = full + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                write(f);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }
}
