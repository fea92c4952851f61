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
        var (header, raw, palette, passes) = Inflate(file, path);
        int spp = PngHeader.SamplesPerPixel(header.ColorType);
        var samples = new ushort[(long)header.Width * header.Height * spp];
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

    /// <summary>v / 255f for every byte: the exact quotient every decoder gives, looked up instead of divided.</summary>
    private static readonly float[] ByteToUnit = [.. Enumerable.Range(0, 256).Select(v => v / 255f)];

    /// <summary>
    /// The common case straight to float planes: a non-interlaced 8-bit gray, gray+alpha, RGB or RGBA PNG (alpha
    /// dropped), values v / 255. Rows are unfiltered in place (each needs the one above), then converted in parallel,
    /// without the intermediate sample array. Null for every other kind (palette, 1/2/4/16-bit, interlaced).
    /// </summary>
    public static ImageF? TryDecodeImage8(ReadOnlySpan<byte> file, string path)
    {
        var h = ReadHeader(file, path);
        if (h.Interlaced || h.BitDepth != 8 || h.ColorType == PngColorType.Palette) return null;
        var (header, raw, _, _) = Inflate(file, path);
        int spp = PngHeader.SamplesPerPixel(header.ColorType), width = header.Width, height = header.Height;
        int rowBytes = RowBytes(width, spp, 8);
        for (int y = 0, offset = 0; y < height; y++, offset += 1 + rowBytes)
        {
            var prev = y == 0 ? Span<byte>.Empty : raw.AsSpan(offset - rowBytes, rowBytes);
            Unfilter(raw[offset], raw.AsSpan(offset + 1, rowBytes), prev, spp, path);
        }
        int channels = header.ColorType is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;
        var image = new ImageF(channels, height, width);
        var data = image.Data;
        var lut = ByteToUnit;
        int plane = width * height;
        Parallel.For(0, height, y =>
        {
            var row = raw.AsSpan(y * (1 + rowBytes) + 1, rowBytes);
            for (int c = 0; c < channels; c++)
            {
                var dst = data.AsSpan(c * plane + y * width, width);
                for (int x = 0, j = c; x < dst.Length; x++, j += spp) dst[x] = lut[row[j]];
            }
        });
        return image;
    }

    /// <summary>Checks the chunks and inflates the image data: rows still filtered, each prefixed by its filter byte.</summary>
    private static (PngHeader Header, byte[] Raw, byte[]? Palette, Pass[] Passes) Inflate(ReadOnlySpan<byte> file, string path)
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

        return (header, raw, palette, passes);
    }

    internal static int RowBytes(int width, int spp, int bitDepth) => checked((int)(((long)width * spp * bitDepth + 7) / 8));

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> prev, int bpp, string path)
    {
        // Sub, Average and Paeth depend on the byte bpp to the left, so they run byte by byte; the first bpp bytes
        // (no left neighbour) are split off so the loops need no branch per byte.
        int n = row.Length, head = Math.Min(bpp, n);
        switch (filter)
        {
            case 0: break;
            case 1:
                for (int i = bpp; i < n; i++) row[i] += row[i - bpp];
                break;
            case 2:
                if (!prev.IsEmpty) System.Numerics.Tensors.TensorPrimitives.Add(row, prev, row);
                break;
            case 3:
                if (prev.IsEmpty)
                    for (int i = bpp; i < n; i++) row[i] += (byte)(row[i - bpp] >> 1);
                else
                {
                    for (int i = 0; i < head; i++) row[i] += (byte)(prev[i] >> 1);
                    for (int i = bpp; i < n; i++) row[i] += (byte)((row[i - bpp] + prev[i]) >> 1);
                }
                break;
            case 4:
                if (prev.IsEmpty)   // Paeth with no row above is Sub
                    for (int i = bpp; i < n; i++) row[i] += row[i - bpp];
                else
                {
                    for (int i = 0; i < head; i++) row[i] += prev[i];   // a = c = 0: the predictor is b
                    UnPaeth(row, prev, bpp);
                }
                break;
            default:
                throw InspectaUserException.ForFile(path, $"corrupt PNG: unknown row filter type {filter}.");
        }
    }

    /// <summary>
    /// Paeth for bytes bpp.. of a row: the hot loop of most PNGs (photographs are mostly Paeth-filtered). Which
    /// neighbour predicts depends on the data, so the choice is made with masks instead of branches the CPU would
    /// mispredict; references instead of indexing leave no bounds checks in the loop.
    /// </summary>
    private static void UnPaeth(Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        ref byte r = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(row);
        ref byte up = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(prev);
        if (bpp == 3)
        {
            // RGB: the three channels are independent chains; keeping each left neighbour in a register (not
            // re-reading the byte just written) lets the CPU run them side by side.
            int a0 = r, a1 = System.Runtime.CompilerServices.Unsafe.Add(ref r, 1), a2 = System.Runtime.CompilerServices.Unsafe.Add(ref r, 2);
            int c0 = up, c1 = System.Runtime.CompilerServices.Unsafe.Add(ref up, 1), c2 = System.Runtime.CompilerServices.Unsafe.Add(ref up, 2);
            for (nint i = 3, n = row.Length - 2; i < n; i += 3)
            {
                int b0 = System.Runtime.CompilerServices.Unsafe.Add(ref up, i);
                int b1 = System.Runtime.CompilerServices.Unsafe.Add(ref up, i + 1);
                int b2 = System.Runtime.CompilerServices.Unsafe.Add(ref up, i + 2);
                a0 = (byte)(System.Runtime.CompilerServices.Unsafe.Add(ref r, i) + Predict(a0, b0, c0));
                a1 = (byte)(System.Runtime.CompilerServices.Unsafe.Add(ref r, i + 1) + Predict(a1, b1, c1));
                a2 = (byte)(System.Runtime.CompilerServices.Unsafe.Add(ref r, i + 2) + Predict(a2, b2, c2));
                System.Runtime.CompilerServices.Unsafe.Add(ref r, i) = (byte)a0;
                System.Runtime.CompilerServices.Unsafe.Add(ref r, i + 1) = (byte)a1;
                System.Runtime.CompilerServices.Unsafe.Add(ref r, i + 2) = (byte)a2;
                (c0, c1, c2) = (b0, b1, b2);
            }
            return;
        }
        for (nint i = bpp, n = row.Length; i < n; i++)
        {
            int a = System.Runtime.CompilerServices.Unsafe.Add(ref r, i - bpp);
            int b = System.Runtime.CompilerServices.Unsafe.Add(ref up, i);
            int c = System.Runtime.CompilerServices.Unsafe.Add(ref up, i - bpp);
            int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);
            int notA = ((pb - pa) | (pc - pa)) >> 31;   // −1 unless pa ≤ pb and pa ≤ pc
            int cOverB = (pc - pb) >> 31;               // −1 when pc < pb
            int bc = b ^ ((b ^ c) & cOverB);
            System.Runtime.CompilerServices.Unsafe.Add(ref r, i) += (byte)(a ^ ((a ^ bc) & notA));
        }
    }

    /// <summary>The Paeth predictor without branches (same value as <see cref="Paeth"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int Predict(int a, int b, int c)
    {
        int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);
        int notA = ((pb - pa) | (pc - pa)) >> 31;
        int bc = b ^ ((b ^ c) & ((pc - pb) >> 31));
        return a ^ ((a ^ bc) & notA);
    }

    internal static int Paeth(int a, int b, int c)
    {
        int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);   // |p − a|, |p − b|, |p − c| for p = a + b − c
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
