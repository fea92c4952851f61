using System.Buffers.Binary;
using System.IO.Compression;
using BitMiracle.LibTiff.Classic;
using Inspecta.Imaging;
using Inspecta.Imaging.Codecs;

namespace Inspecta.Tests.Imaging;

/// <summary>Builders for test images: random pixels and hand-made PNG/TIFF files in layouts our writers do not produce.</summary>
internal static class TestImages
{
    /// <summary>Random image quantised to <paramref name="levels"/> steps so 8/16-bit files can hold it exactly.</summary>
    public static ImageF Random(int channels, int height, int width, int seed, int levels = 255)
    {
        var rng = new Random(seed);
        var img = new ImageF(channels, height, width);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = rng.Next(levels + 1) / (float)levels;
        return img;
    }

    /// <summary>
    /// A PNG with arbitrary colour type / bit depth / palette / interlace, from raw samples (one int per
    /// sample, interleaved). Filter type cycles per row so every unfilter path is exercised.
    /// </summary>
    public static byte[] Png(int width, int height, PngColorType type, int bitDepth, int[] samples, byte[]? palette = null, bool interlaced = false)
    {
        int spp = PngHeader.SamplesPerPixel(type);
        using var rawStream = new MemoryStream();
        var passes = interlaced
            ? new (int X0, int Y0, int Dx, int Dy)[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) }
            : [(0, 0, 1, 1)];
        int filterCycle = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = (width - x0 + dx - 1) / dx, ph = (height - y0 + dy - 1) / dy;
            if (pw <= 0 || ph <= 0) continue;
            int rowBytes = (pw * spp * bitDepth + 7) / 8;
            int bpp = Math.Max(1, spp * bitDepth / 8);
            var prev = new byte[rowBytes];
            for (int py = 0; py < ph; py++)
            {
                var row = new byte[rowBytes];
                int bit = 0;
                for (int px = 0; px < pw; px++)
                    for (int s = 0; s < spp; s++)
                    {
                        int v = samples[((y0 + py * dy) * width + x0 + px * dx) * spp + s];
                        if (bitDepth == 16) { row[bit / 8] = (byte)(v >> 8); row[bit / 8 + 1] = (byte)v; }
                        else if (bitDepth == 8) row[bit / 8] = (byte)v;
                        else row[bit / 8] |= (byte)(v << (8 - bitDepth - bit % 8));
                        bit += bitDepth;
                    }
                int filter = filterCycle++ % 5;
                rawStream.WriteByte((byte)filter);
                for (int i = 0; i < rowBytes; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = py == 0 ? 0 : prev[i], c = i >= bpp && py > 0 ? prev[i - bpp] : 0;
                    int pred = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) >> 1, _ => PngDecoder.Paeth(a, b, c) };
                    rawStream.WriteByte((byte)(row[i] - pred));
                }
                prev = row;
            }
        }
        using var zs = new MemoryStream();
        using (var z = new ZLibStream(zs, CompressionLevel.Fastest, leaveOpen: true)) z.Write(rawStream.ToArray());
        using var png = new MemoryStream();
        png.Write(PngDecoder.Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth; ihdr[9] = (byte)type; ihdr[12] = (byte)(interlaced ? 1 : 0);
        Chunk(png, "IHDR", ihdr);
        if (palette is not null) Chunk(png, "PLTE", palette);
        Chunk(png, "tEXt", "Comment\0ancillary chunks are skipped"u8.ToArray());
        Chunk(png, "IDAT", zs.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        s.Write(head);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Update(Crc32.Update(0, head.AsSpan(4)), data));
        s.Write(crc);
    }

    /// <summary>An unsigned-integer TIFF (8 or 16 bit, contiguous samples) written with LibTiff.</summary>
    public static void IntTiff(string path, int width, int height, int spp, int bitDepth, int[] samples, bool tiled = false)
    {
        using var tif = Tiff.Open(path, "w");
        tif.SetField(TiffTag.IMAGEWIDTH, width);
        tif.SetField(TiffTag.IMAGELENGTH, height);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, spp);
        tif.SetField(TiffTag.BITSPERSAMPLE, bitDepth);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.PHOTOMETRIC, spp >= 3 ? Photometric.RGB : Photometric.MINISBLACK);
        if (spp is 2 or 4) tif.SetField(TiffTag.EXTRASAMPLES, 1, new short[] { (short)ExtraSample.UNASSALPHA });
        tif.SetField(TiffTag.COMPRESSION, Compression.LZW);
        int bytes = bitDepth / 8;
        if (tiled)
        {
            tif.SetField(TiffTag.TILEWIDTH, 16);
            tif.SetField(TiffTag.TILELENGTH, 16);
            var tile = new byte[16 * 16 * spp * bytes];
            for (int ty = 0; ty < height; ty += 16)
                for (int tx = 0; tx < width; tx += 16)
                {
                    Array.Clear(tile);
                    for (int y = 0; y < 16 && ty + y < height; y++)
                        for (int x = 0; x < 16 && tx + x < width; x++)
                            for (int s = 0; s < spp; s++)
                                Put(tile, (y * 16 + x) * spp + s, bytes, samples[((ty + y) * width + tx + x) * spp + s]);
                    tif.WriteTile(tile, tx, ty, 0, 0);
                }
        }
        else
        {
            tif.SetField(TiffTag.ROWSPERSTRIP, 3);
            var row = new byte[width * spp * bytes];
            for (int y = 0; y < height; y++)
            {
                for (int i = 0; i < width * spp; i++) Put(row, i, bytes, samples[y * width * spp + i]);
                tif.WriteScanline(row, y);
            }
        }
    }

    private static void Put(byte[] buf, int index, int bytes, int value)
    {
        if (bytes == 1) buf[index] = (byte)value;
        else BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(index * 2), (ushort)value);
    }
}
