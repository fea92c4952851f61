using System.Buffers.Binary;

namespace Inspecta.Imaging.Codecs;

/// <summary>
/// Header parsing for JPEG (markers up to the first SOFn) and BMP (BITMAPINFOHEADER family). Used for
/// fast <see cref="ImageIO.ReadInfo"/> and to reject truncated files before handing them to stb,
/// which can spin on malformed input.
/// </summary>
internal static class JpegBmpHeader
{
    public static bool IsJpeg(ReadOnlySpan<byte> b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
    public static bool IsBmp(ReadOnlySpan<byte> b) => b.Length >= 2 && b[0] == 'B' && b[1] == 'M';

    /// <summary>Returns the header, or null when <paramref name="b"/> ends before the SOF marker (caller may retry with more bytes).</summary>
    public static ImageInfo? TryJpeg(ReadOnlySpan<byte> b, string path)
    {
        int pos = 2;
        while (true)
        {
            if (pos + 4 > b.Length) return null;
            if (b[pos] != 0xFF) throw InspectaUserException.ForFile(path, $"corrupt JPEG: expected a marker at byte {pos}.");
            byte marker = b[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; } // stand-alone markers
            if (marker is 0xD9 or 0xDA) throw InspectaUserException.ForFile(path, "corrupt JPEG: no frame header (SOF) before the image data.");
            int length = BinaryPrimitives.ReadUInt16BigEndian(b[(pos + 2)..]);
            if (length < 2) throw InspectaUserException.ForFile(path, $"corrupt JPEG: segment length {length} at byte {pos}.");
            bool sof = marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);
            if (sof)
            {
                if (pos + 2 + 8 > b.Length) return null;
                var s = b.Slice(pos + 4, 6);
                int precision = s[0], h = BinaryPrimitives.ReadUInt16BigEndian(s[1..]), w = BinaryPrimitives.ReadUInt16BigEndian(s[3..]), comps = s[5];
                if (w == 0 || h == 0 || comps is not (1 or 3 or 4)) throw InspectaUserException.ForFile(path, $"corrupt or unsupported JPEG: {w}×{h} with {comps} components.");
                return new ImageInfo(w, h, comps == 1 ? 1 : 3, precision);
            }
            pos += 2 + length;
        }
    }

    public static ImageInfo Bmp(ReadOnlySpan<byte> b, string path)
    {
        if (b.Length < 26) throw InspectaUserException.ForFile(path, "corrupt BMP: truncated header.");
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(b[14..]);
        int w, h, bits;
        if (headerSize == 12)
        {
            w = BinaryPrimitives.ReadInt16LittleEndian(b[18..]); h = BinaryPrimitives.ReadInt16LittleEndian(b[20..]); bits = BinaryPrimitives.ReadInt16LittleEndian(b[24..]);
        }
        else if (headerSize >= 40 && b.Length >= 30)
        {
            w = BinaryPrimitives.ReadInt32LittleEndian(b[18..]); h = Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(b[22..])); bits = BinaryPrimitives.ReadInt16LittleEndian(b[28..]);
        }
        else throw InspectaUserException.ForFile(path, $"corrupt or unsupported BMP: header size {headerSize}.");
        if (w <= 0 || h <= 0 || bits is not (1 or 4 or 8 or 16 or 24 or 32)) throw InspectaUserException.ForFile(path, $"corrupt BMP: {w}×{h} at {bits} bits per pixel.");
        // stb decodes every BMP to RGB here; 8-bit BMPs are palette images.
        return new ImageInfo(w, h, 3, 8);
    }

    /// <summary>Header of a whole file, or a user error.</summary>
    public static ImageInfo Read(ReadOnlySpan<byte> b, string path) =>
        IsBmp(b) ? Bmp(b, path) : TryJpeg(b, path) ?? throw InspectaUserException.ForFile(path, "corrupt JPEG: truncated before the frame header.");
}
