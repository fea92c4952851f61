using System.Buffers.Binary;
using System.IO.Compression;

namespace Inspecta.Imaging.Codecs;

/// <summary>
/// Writes PNG (gray, RGB or RGBA; 8 or 16 bits). Output bytes depend only on the pixels: no time or
/// text chunks, a fixed per-row filter heuristic (minimum sum of absolute differences, as libpng) and
/// a fixed compression level.
/// </summary>
internal static class PngEncoder
{
    /// <param name="raw">Interleaved samples, row-major, big-endian for 16 bits (exactly the unfiltered PNG rows).</param>
    public static void Write(Stream output, int width, int height, PngColorType colorType, int bitDepth, ReadOnlySpan<byte> raw)
    {
        int spp = PngHeader.SamplesPerPixel(colorType);
        int rowBytes = PngDecoder.RowBytes(width, spp, bitDepth);
        if (raw.Length != (long)rowBytes * height) throw new ArgumentException($"Raw PNG data has {raw.Length} bytes, expected {rowBytes}×{height}.", nameof(raw));
        int bpp = Math.Max(1, spp * bitDepth / 8);

        output.Write(PngDecoder.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = (byte)bitDepth; ihdr[9] = (byte)colorType; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
        WriteChunk(output, "IHDR"u8, ihdr);

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var candidates = new byte[5 * (1 + rowBytes)];
            for (int y = 0; y < height; y++)
            {
                var row = raw.Slice(y * rowBytes, rowBytes);
                var prev = y == 0 ? ReadOnlySpan<byte>.Empty : raw.Slice((y - 1) * rowBytes, rowBytes);
                int best = 0; long bestCost = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    var dst = candidates.AsSpan(f * (1 + rowBytes), 1 + rowBytes);
                    long cost = Filter(f, row, prev, bpp, dst);
                    if (cost < bestCost) { bestCost = cost; best = f; }
                }
                z.Write(candidates, best * (1 + rowBytes), 1 + rowBytes);
            }
        }
        WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(output, "IEND"u8, []);
    }

    /// <summary>Filters one row into dst (filter byte first) and returns the heuristic cost.</summary>
    private static long Filter(int f, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, int bpp, Span<byte> dst)
    {
        dst[0] = (byte)f;
        var o = dst[1..];
        long cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = prev.IsEmpty ? 0 : prev[i], c = i >= bpp && !prev.IsEmpty ? prev[i - bpp] : 0;
            byte v = f switch
            {
                0 => row[i],
                1 => (byte)(row[i] - a),
                2 => (byte)(row[i] - b),
                3 => (byte)(row[i] - ((a + b) >> 1)),
                _ => (byte)(row[i] - PngDecoder.Paeth(a, b, c)),
            };
            o[i] = v;
            cost += v < 128 ? v : 256 - v;
        }
        return cost;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0, type), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
