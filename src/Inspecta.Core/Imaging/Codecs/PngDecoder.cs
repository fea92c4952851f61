using System.Buffers.Binary;
using System.IO.Compression;

namespace Inspecta.Imaging.Codecs;

/// <summary>
/// A complete PNG decoder (all colour types and bit depths, Adam7, CRC-checked). Written here because
/// StbImageSharp's public API reduces 16-bit PNGs to 8 bits. Errors are <see cref="InspectaUserException"/>s
/// naming the file.
/// </summary>
internal static class PngDecoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    /// <summary>Parses signature and IHDR (the first 33 bytes of a file).</summary>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> head, string path)
    {
        if (!IsPng(head)) throw InspectaUserException.ForFile(path, "not a PNG file (bad signature).");
        if (head.Length < 33) throw InspectaUserException.ForFile(path, "corrupt PNG: truncated before the end of the IHDR header.");
        int length = BinaryPrimitives.ReadInt32BigEndian(head[8..]);
        if (length != 13 || !head.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw InspectaUserException.ForFile(path, "corrupt PNG: the first chunk is not a 13-byte IHDR.");
        var d = head.Slice(16, 13);
        int w = BinaryPrimitives.ReadInt32BigEndian(d), h = BinaryPrimitives.ReadInt32BigEndian(d[4..]);
        int bitDepth = d[8];
        var colorType = (PngColorType)d[9];
        if (w <= 0 || h <= 0) throw InspectaUserException.ForFile(path, $"corrupt PNG: invalid size {w}×{h}.");
        bool valid = colorType switch
        {
            PngColorType.Gray => bitDepth is 1 or 2 or 4 or 8 or 16,
            PngColorType.Palette => bitDepth is 1 or 2 or 4 or 8,
            PngColorType.Rgb or PngColorType.GrayAlpha or PngColorType.Rgba => bitDepth is 8 or 16,
            _ => false,
        };
        if (!valid) throw InspectaUserException.ForFile(path, $"corrupt or unsupported PNG: colour type {d[9]} with bit depth {bitDepth}.");
        if (d[10] != 0 || d[11] != 0) throw InspectaUserException.ForFile(path, "unsupported PNG: unknown compression or filter method.");
        if (d[12] > 1) throw InspectaUserException.ForFile(path, $"unsupported PNG: unknown interlace method {d[12]}.");
        return new PngHeader(w, h, bitDepth, colorType, d[12] == 1);
    }

    public static PngRaster Decode(ReadOnlySpan<byte> file, string path)
    {
        var header = ReadHeader(file, path);
        byte[]? palette = null;
        using var idat = new MemoryStream();
        bool ended = false;
        int pos = 8;
        while (pos < file.Length)
        {
            if (pos + 12 > file.Length) throw InspectaUserException.ForFile(path, "corrupt PNG: truncated inside a chunk header.");
            int length = BinaryPrimitives.ReadInt32BigEndian(file[pos..]);
            if (length < 0 || (long)pos + 12 + length > file.Length)
                throw InspectaUserException.ForFile(path, $"corrupt PNG: truncated (a chunk of {length} bytes runs past the end of the file).");
            var typeAndData = file.Slice(pos + 4, 4 + length);
            var type = typeAndData[..4];
            var data = typeAndData[4..];
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(file[(pos + 8 + length)..]);
            string typeName = System.Text.Encoding.ASCII.GetString(type);
            if (Crc32.Update(0, typeAndData) != storedCrc)
                throw InspectaUserException.ForFile(path, $"corrupt PNG: CRC mismatch in chunk {typeName}.");
            pos += 12 + length;
            if (type.SequenceEqual("IDAT"u8)) idat.Write(data);
            else if (type.SequenceEqual("PLTE"u8))
            {
                if (length % 3 != 0 || length == 0 || length > 768) throw InspectaUserException.ForFile(path, $"corrupt PNG: PLTE of {length} bytes.");
                palette = data.ToArray();
            }
            else if (type.SequenceEqual("IEND"u8)) { ended = true; break; }
            else if (type.SequenceEqual("IHDR"u8)) { if (pos != 8 + 25) throw InspectaUserException.ForFile(path, "corrupt PNG: a second IHDR chunk."); }
            else if ((type[0] & 0x20) == 0) // upper-case first letter: a critical chunk we do not know
                throw InspectaUserException.ForFile(path, $"unsupported PNG: unknown critical chunk {typeName}.");
        }
        if (!ended) throw InspectaUserException.ForFile(path, "corrupt PNG: truncated (no IEND chunk).");
        if (idat.Length == 0) throw InspectaUserException.ForFile(path, "corrupt PNG: no image data (IDAT).");
        if (header.ColorType == PngColorType.Palette && palette is null) throw InspectaUserException.ForFile(path, "corrupt PNG: palette image without PLTE chunk.");

        int spp = PngHeader.SamplesPerPixel(header.ColorType);
        long sampleCount = (long)header.Width * header.Height * spp;
        if (sampleCount > Array.MaxLength) throw InspectaUserException.ForFile(path, $"unsupported PNG: {header.Width}×{header.Height} is too large.");
        var passes = header.Interlaced ? Adam7 : [new Pass(0, 0, 1, 1)];
        long expected = 0;
        foreach (var p in passes)
        {
            var (pw, ph) = p.Size(header.Width, header.Height);
            if (pw > 0 && ph > 0) expected += (long)ph * (1 + RowBytes(pw, spp, header.BitDepth));
        }
        if (expected > Array.MaxLength) throw InspectaUserException.ForFile(path, $"unsupported PNG: {header.Width}×{header.Height} is too large.");
        // Deflate expands at most ~1032:1; a header promising more than that is corrupt (and must not make us allocate gigabytes).
        if (expected > idat.Length * 1100L + 4096)
            throw InspectaUserException.ForFile(path, $"corrupt PNG: {idat.Length} bytes of image data cannot hold {header.Width}×{header.Height} pixels.");
        var raw = new byte[expected];
        try
        {
            idat.Position = 0;
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            int got = z.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
            if (got < raw.Length) throw InspectaUserException.ForFile(path, $"corrupt PNG: truncated image data ({got} of {raw.Length} bytes).");
        }
        catch (InvalidDataException ex)
        {
            throw InspectaUserException.ForFile(path, $"corrupt PNG: invalid compressed data ({ex.Message}).", ex);
        }

        var samples = new ushort[sampleCount];
        int offset = 0;
        foreach (var p in passes)
        {
            var (pw, ph) = p.Size(header.Width, header.Height);
            if (pw == 0 || ph == 0) continue;
            int rowBytes = RowBytes(pw, spp, header.BitDepth);
            int bpp = Math.Max(1, spp * header.BitDepth / 8);
            for (int y = 0; y < ph; y++)
            {
                var row = raw.AsSpan(offset + 1, rowBytes);
                var prev = y == 0 ? Span<byte>.Empty : raw.AsSpan(offset - rowBytes, rowBytes);
                Unfilter(raw[offset], row, prev, bpp, path);
                Unpack(row, samples, header, spp, p, pw, y);
                offset += 1 + rowBytes;
            }
        }
        return new PngRaster(header.Width, header.Height, header.ColorType, header.BitDepth, samples, palette);
    }

    internal static int RowBytes(int width, int spp, int bitDepth) => checked((int)(((long)width * spp * bitDepth + 7) / 8));

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> prev, int bpp, string path)
    {
        switch (filter)
        {
            case 0: break;
            case 1:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                break;
            case 2:
                if (!prev.IsEmpty) for (int i = 0; i < row.Length; i++) row[i] += prev[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bpp ? row[i - bpp] : 0, up = prev.IsEmpty ? 0 : prev[i];
                    row[i] += (byte)((left + up) >> 1);
                }
                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = prev.IsEmpty ? 0 : prev[i], c = i >= bpp && !prev.IsEmpty ? prev[i - bpp] : 0;
                    row[i] += (byte)Paeth(a, b, c);
                }
                break;
            default:
                throw InspectaUserException.ForFile(path, $"corrupt PNG: unknown row filter type {filter}.");
        }
    }

    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Unpack(ReadOnlySpan<byte> row, ushort[] samples, PngHeader h, int spp, Pass p, int pw, int py)
    {
        int y = p.Y0 + py * p.Dy;
        int rowStart = y * h.Width * spp;
        if (p.Dx == 1 && h.BitDepth == 8)
        {
            var dst = samples.AsSpan(rowStart, pw * spp);
            for (int i = 0; i < dst.Length; i++) dst[i] = row[i];
            return;
        }
        for (int px = 0; px < pw; px++)
        {
            int dst = rowStart + (p.X0 + px * p.Dx) * spp;
            for (int s = 0; s < spp; s++)
            {
                int i = px * spp + s;
                samples[dst + s] = h.BitDepth switch
                {
                    8 => row[i],
                    16 => (ushort)(row[2 * i] << 8 | row[2 * i + 1]),
                    _ => (ushort)((row[i * h.BitDepth >> 3] >> (8 - h.BitDepth - (i * h.BitDepth & 7))) & ((1 << h.BitDepth) - 1)),
                };
            }
        }
    }

    private readonly record struct Pass(int X0, int Y0, int Dx, int Dy)
    {
        public (int W, int H) Size(int width, int height) =>
            ((width - X0 + Dx - 1) / Dx, (height - Y0 + Dy - 1) / Dy);
    }

    private static readonly Pass[] Adam7 =
    [
        new(0, 0, 8, 8), new(4, 0, 8, 8), new(0, 4, 4, 8), new(2, 0, 4, 4), new(0, 2, 2, 4), new(1, 0, 2, 2), new(0, 1, 1, 2),
    ];
}
