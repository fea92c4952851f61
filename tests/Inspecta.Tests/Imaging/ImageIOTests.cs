using Inspecta.Imaging;
using Inspecta.Imaging.Codecs;
using Inspecta.Tests.Infrastructure;
using StbImageSharp;
using StbImageWriteSharp;
using ImageInfo = Inspecta.Imaging.ImageInfo;

namespace Inspecta.Tests.Imaging;

public class ImageIOTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(3, 8)]
    [InlineData(4, 8)]
    [InlineData(1, 16)]
    [InlineData(3, 16)]
    [InlineData(4, 16)]
    public void PngWriteReadRoundTripIsLossless(int channels, int bitDepth)
    {
        using var dir = new TempDir();
        var img = TestImages.Random(channels, 37, 53, seed: channels * 100 + bitDepth, levels: bitDepth == 8 ? 255 : 65535);
        string path = dir["img.png"];
        ImageIO.WritePng(path, img, bitDepth);
        var back = ImageIO.Read(path);
        int expectedChannels = channels == 4 ? 3 : channels; // alpha is dropped on read
        Assert.Equal((expectedChannels, 37, 53), (back.Channels, back.Height, back.Width));
        Assert.Equal(img.Data.AsSpan(0, back.Data.Length).ToArray(), back.Data);
        Assert.Equal(new ImageInfo(53, 37, expectedChannels, bitDepth), ImageIO.ReadInfo(path));
    }

    [Fact]
    public void PngWriterIsDeterministicAndReadableByAnIndependentDecoder()
    {
        using var dir = new TempDir();
        var img = TestImages.Random(3, 40, 30, seed: 7);
        ImageIO.WritePng(dir["a.png"], img);
        ImageIO.WritePng(dir["b.png"], img);
        byte[] bytes = File.ReadAllBytes(dir["a.png"]);
        Assert.Equal(bytes, File.ReadAllBytes(dir["b.png"]));
        var stb = ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlue);
        for (int i = 0; i < 40 * 30; i++)
            for (int c = 0; c < 3; c++)
                Assert.Equal((byte)MathF.Round(img.Data[c * 1200 + i] * 255), stb.Data[i * 3 + c]);
    }

    [Fact]
    public void SixteenBitPngKeepsFullPrecision()
    {
        using var dir = new TempDir();
        var img = new ImageF(1, 1, 3, [0f, 1 / 65535f, 1f]);
        ImageIO.WritePng(dir["a.png"], img, 16);
        var back = ImageIO.Read(dir["a.png"]);
        Assert.Equal(1 / 65535f, back.Data[1]);
        Assert.NotEqual(0f, back.Data[1]); // an 8-bit path would collapse it to 0
    }

    [Theory]
    [InlineData(0, 1, false)]
    [InlineData(0, 2, false)]
    [InlineData(0, 4, true)]
    [InlineData(0, 8, true)]
    [InlineData(0, 16, true)]
    [InlineData(4, 8, false)]
    [InlineData(4, 16, true)]
    [InlineData(2, 8, true)]
    [InlineData(2, 16, false)]
    [InlineData(6, 8, false)]
    [InlineData(6, 16, true)]
    public void DecodesEveryPngColourTypeAndBitDepth(int colorType, int bitDepth, bool interlaced)
    {
        var type = (PngColorType)colorType;
        const int w = 13, h = 11;
        int spp = PngHeader.SamplesPerPixel(type), max = (1 << bitDepth) - 1;
        var rng = new Random(bitDepth * 10 + (int)type);
        var samples = new int[w * h * spp];
        for (int i = 0; i < samples.Length; i++) samples[i] = rng.Next(max + 1);
        using var dir = new TempDir();
        File.WriteAllBytes(dir["x.png"], TestImages.Png(w, h, type, bitDepth, samples, interlaced: interlaced));
        var img = ImageIO.Read(dir["x.png"]);
        int channels = type is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;
        Assert.Equal((channels, h, w), (img.Channels, img.Height, img.Width));
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < channels; c++)
                Assert.Equal(samples[i * spp + c] / (float)max, img.Data[c * w * h + i], 6);
        Assert.Equal(new ImageInfo(w, h, channels, bitDepth), ImageIO.ReadInfo(dir["x.png"]));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    public void PaletteImagesExpandToRgbAndMasksKeepTheIndex(int bitDepth, bool interlaced)
    {
        const int w = 9, h = 6;
        int entries = 1 << bitDepth;
        var palette = new byte[3 * entries];
        for (int i = 0; i < palette.Length; i++) palette[i] = (byte)(i * 37 % 256);
        var rng = new Random(bitDepth);
        var idx = new int[w * h];
        for (int i = 0; i < idx.Length; i++) idx[i] = rng.Next(entries);
        using var dir = new TempDir();
        File.WriteAllBytes(dir["p.png"], TestImages.Png(w, h, PngColorType.Palette, bitDepth, idx, palette, interlaced));
        var img = ImageIO.Read(dir["p.png"]);
        Assert.Equal(3, img.Channels);
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(palette[3 * idx[i] + c] / 255f, img.Data[c * w * h + i]);
        var mask = ImageIO.ReadMask(dir["p.png"]);
        Assert.Equal(idx.Select(v => (byte)v).ToArray(), mask.Data);
        Assert.Equal(new ImageInfo(w, h, 3, 8), ImageIO.ReadInfo(dir["p.png"]));
    }

    [Fact]
    public void MaskRoundTripKeepsRawValues()
    {
        using var dir = new TempDir();
        var mask = new Mask(4, 5);
        for (int i = 0; i < mask.Data.Length; i++) mask.Data[i] = (byte)(i * 13);
        ImageIO.WritePng(dir["m.png"], mask);
        Assert.Equal(mask.Data, ImageIO.ReadMask(dir["m.png"]).Data);
    }

    [Fact]
    public void SubByteAndSixteenBitMasksMapToEightBitValues()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["b1.png"], TestImages.Png(3, 1, PngColorType.Gray, 1, [0, 1, 0]));
        Assert.Equal([0, 255, 0], ImageIO.ReadMask(dir["b1.png"]).Data);
        File.WriteAllBytes(dir["w16.png"], TestImages.Png(3, 1, PngColorType.Gray, 16, [0, 1, 65535]));
        Assert.Equal([0, 1, 255], ImageIO.ReadMask(dir["w16.png"]).Data);
    }

    [Theory]
    [InlineData(1, 8, false)]
    [InlineData(3, 8, true)]
    [InlineData(4, 8, false)]
    [InlineData(1, 16, true)]
    [InlineData(3, 16, false)]
    [InlineData(2, 16, false)]
    public void ReadsIntegerTiffs(int spp, int bitDepth, bool tiled)
    {
        const int w = 21, h = 19;
        int max = (1 << bitDepth) - 1;
        var rng = new Random(spp * 31 + bitDepth);
        var samples = new int[w * h * spp];
        for (int i = 0; i < samples.Length; i++) samples[i] = rng.Next(max + 1);
        using var dir = new TempDir();
        TestImages.IntTiff(dir["i.tiff"], w, h, spp, bitDepth, samples, tiled);
        var img = ImageIO.Read(dir["i.tiff"]);
        int channels = spp switch { 2 => 1, 4 => 3, _ => spp };
        Assert.Equal((channels, h, w), (img.Channels, img.Height, img.Width));
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < channels; c++)
                Assert.Equal(samples[i * spp + c] / (float)max, img.Data[c * w * h + i]);
        Assert.Equal(new ImageInfo(w, h, channels, bitDepth), ImageIO.ReadInfo(dir["i.tiff"]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void FloatTiffRoundTripIsBitExactAndDeterministic(int channels)
    {
        using var dir = new TempDir();
        var img = new ImageF(channels, 17, 23);
        var rng = new Random(channels);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = (float)(rng.NextDouble() * 2000 - 1000);
        img.Data[0] = float.NaN; img.Data[1] = -0f; img.Data[2] = float.Epsilon; // MVTec 3D-AD xyz holds NaN/zero for holes
        ImageIO.WriteTiff(dir["a.tiff"], img);
        ImageIO.WriteTiff(dir["b.tiff"], img);
        Assert.Equal(File.ReadAllBytes(dir["a.tiff"]), File.ReadAllBytes(dir["b.tiff"]));
        var back = ImageIO.Read(dir["a.tiff"]);
        Assert.Equal((channels, 17, 23), (back.Channels, back.Height, back.Width));
        for (int i = 0; i < img.Data.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(img.Data[i]), BitConverter.SingleToInt32Bits(back.Data[i]));
        Assert.Equal(new ImageInfo(23, 17, channels, 32), ImageIO.ReadInfo(dir["a.tiff"]));
    }

    [Fact]
    public void AnomalyMapTiffRoundTrip()
    {
        using var dir = new TempDir();
        var map = new AnomalyMap(5, 8);
        for (int i = 0; i < map.Data.Length; i++) map.Data[i] = i * 0.37f - 3;
        ImageIO.WriteTiff(dir["m.tiff"], map);
        var back = AnomalyMap.FromImage(ImageIO.Read(dir["m.tiff"]));
        Assert.Equal(map.Data, back.Data);
    }

    [Fact]
    public void BmpIsLosslessAndJpegIsClose()
    {
        using var dir = new TempDir();
        var img = TestImages.Random(3, 16, 24, seed: 3);
        // smooth content for JPEG so its error is small and meaningful
        var smooth = new ImageF(3, 32, 32);
        for (int c = 0; c < 3; c++) for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) smooth[c, y, x] = (x + y + 10 * c) / 100f;
        var writer = new ImageWriter();
        using (var f = File.Create(dir["a.bmp"])) writer.WriteBmp(Interleave(img), 24, 16, StbImageWriteSharp.ColorComponents.RedGreenBlue, f);
        using (var f = File.Create(dir["a.jpg"])) writer.WriteJpg(Interleave(smooth), 32, 32, StbImageWriteSharp.ColorComponents.RedGreenBlue, f, 95);
        var bmp = ImageIO.Read(dir["a.bmp"]);
        Assert.Equal(img.Data, bmp.Data);
        Assert.Equal(new ImageInfo(24, 16, 3, 8), ImageIO.ReadInfo(dir["a.bmp"]));
        var jpg = ImageIO.Read(dir["a.jpg"]);
        Assert.Equal((3, 32, 32), (jpg.Channels, jpg.Height, jpg.Width));
        double err = 0;
        for (int i = 0; i < jpg.Data.Length; i++) err += Math.Abs(jpg.Data[i] - smooth.Data[i]);
        Assert.True(err / jpg.Data.Length < 0.02, $"mean JPEG error {err / jpg.Data.Length}");
        Assert.Equal(new ImageInfo(32, 32, 3, 8), ImageIO.ReadInfo(dir["a.jpg"]));

        // A truncated JPEG is a user error (stb alone may spin on it).
        File.WriteAllBytes(dir["cut.jpg"], File.ReadAllBytes(dir["a.jpg"]).AsSpan(0, 300).ToArray());
        Assert.Contains(dir["cut.jpg"], Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["cut.jpg"])).Message);
    }

    private static byte[] Interleave(ImageF img)
    {
        var bytes = new byte[img.Data.Length];
        for (int c = 0; c < img.Channels; c++)
            for (int i = 0; i < img.PlaneSize; i++)
                bytes[i * img.Channels + c] = (byte)MathF.Round(img.Data[c * img.PlaneSize + i] * 255);
        return bytes;
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void RealBottlePngMatchesStbDecoder()
    {
        string path = Path.Combine(SharedData.BottleDir, "test", "broken_large", "000.png");
        var img = ImageIO.Read(path);
        Assert.Equal((3, 900, 900), (img.Channels, img.Height, img.Width));
        var stb = ImageResult.FromMemory(File.ReadAllBytes(path), StbImageSharp.ColorComponents.RedGreenBlue);
        for (int i = 0; i < 900 * 900; i += 7)
            for (int c = 0; c < 3; c++)
                Assert.Equal(stb.Data[i * 3 + c] / 255f, img.Data[c * 810000 + i]);
        Assert.Equal(new ImageInfo(900, 900, 3, 8), ImageIO.ReadInfo(path));
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "inspecta-no-such-file.png");
        var ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not found", ex.Message);
        Assert.Throws<InspectaUserException>(() => ImageIO.ReadInfo(path));
        Assert.Throws<InspectaUserException>(() => ImageIO.ReadMask(path));
    }

    [Fact]
    public void CorruptAndTruncatedPngsAreUserErrors()
    {
        using var dir = new TempDir();
        ImageIO.WritePng(dir["ok.png"], TestImages.Random(3, 20, 20, seed: 1));
        byte[] good = File.ReadAllBytes(dir["ok.png"]);

        byte[] flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0x55;
        File.WriteAllBytes(dir["flip.png"], flipped);
        var ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["flip.png"]));
        Assert.Contains(dir["flip.png"], ex.Message);
        Assert.Contains("CRC", ex.Message);

        File.WriteAllBytes(dir["trunc.png"], good.AsSpan(0, good.Length / 2).ToArray());
        ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["trunc.png"]));
        Assert.Contains("truncated", ex.Message);

        File.WriteAllBytes(dir["head.png"], good.AsSpan(0, 20).ToArray());
        ex = Assert.Throws<InspectaUserException>(() => ImageIO.ReadInfo(dir["head.png"]));
        Assert.Contains("IHDR", ex.Message);
    }

    [Fact]
    public void RandomlyDamagedPngsNeverFailWithAnythingButAUserError()
    {
        using var dir = new TempDir();
        ImageIO.WritePng(dir["ok.png"], TestImages.Random(3, 24, 31, seed: 9), 16);
        byte[] good = File.ReadAllBytes(dir["ok.png"]);
        var rng = new Random(123);
        for (int trial = 0; trial < 150; trial++)
        {
            byte[] bad = trial % 3 == 0 ? good.AsSpan(0, rng.Next(good.Length)).ToArray() : (byte[])good.Clone();
            if (trial % 3 != 0) for (int k = 0; k < 1 + rng.Next(4); k++) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            string path = dir[$"bad{trial}.png"];
            File.WriteAllBytes(path, bad);
            try { ImageIO.Read(path); ImageIO.ReadMask(path); }
            catch (InspectaUserException ex) { Assert.StartsWith(path, ex.Message); }
        }

        // A header promising a huge image over a few bytes of data is rejected before allocating.
        byte[] huge = TestImages.Png(2, 2, Inspecta.Imaging.Codecs.PngColorType.Rgb, 16, new int[12]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(huge.AsSpan(16), 10000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(huge.AsSpan(20), 10000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(huge.AsSpan(29), Inspecta.Imaging.Codecs.Crc32.Update(0, huge.AsSpan(12, 17)));
        File.WriteAllBytes(dir["huge.png"], huge);
        Assert.Contains("cannot hold 10000×10000", Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["huge.png"])).Message);
    }

    [Fact]
    public void RandomlyDamagedTiffsNeverFailWithAnythingButAUserError()
    {
        using var dir = new TempDir();
        ImageIO.WriteTiff(dir["ok.tiff"], TestImages.Random(3, 12, 10, seed: 4));
        TestImages.IntTiff(dir["int.tiff"], 20, 20, 1, 16, new int[400], tiled: true);
        var rng = new Random(321);
        foreach (string source in new[] { "ok.tiff", "int.tiff" })
        {
            byte[] good = File.ReadAllBytes(dir[source]);
            for (int trial = 0; trial < 100; trial++)
            {
                byte[] bad = trial % 4 == 0 ? good.AsSpan(0, 8 + rng.Next(good.Length - 8)).ToArray() : (byte[])good.Clone();
                if (trial % 4 != 0) for (int k = 0; k < 1 + rng.Next(3); k++) bad[8 + rng.Next(bad.Length - 8)] = (byte)rng.Next(256);
                string path = dir[$"bad{trial}.tiff"];
                File.WriteAllBytes(path, bad);
                try { ImageIO.ReadInfo(path); ImageIO.Read(path); }
                catch (InspectaUserException ex) { Assert.StartsWith(path, ex.Message); }
            }
        }
    }

    [Fact]
    public void RandomlyDamagedJpegsAndBmpsNeverFailWithAnythingButAUserError()
    {
        using var dir = new TempDir();
        var img = TestImages.Random(3, 16, 24, seed: 5);
        var writer = new ImageWriter();
        using (var f = File.Create(dir["a.bmp"])) writer.WriteBmp(Interleave(img), 24, 16, StbImageWriteSharp.ColorComponents.RedGreenBlue, f);
        using (var f = File.Create(dir["a.jpg"])) writer.WriteJpg(Interleave(img), 24, 16, StbImageWriteSharp.ColorComponents.RedGreenBlue, f, 90);
        var rng = new Random(77);
        foreach (string source in new[] { "a.bmp", "a.jpg" })
        {
            byte[] good = File.ReadAllBytes(dir[source]);
            for (int trial = 0; trial < 80; trial++)
            {
                byte[] bad = trial % 4 == 0 ? good.AsSpan(0, 3 + rng.Next(good.Length - 3)).ToArray() : (byte[])good.Clone();
                if (trial % 4 != 0) for (int k = 0; k < 1 + rng.Next(3); k++) bad[3 + rng.Next(bad.Length - 3)] = (byte)rng.Next(256);
                string path = dir[$"bad{trial}{Path.GetExtension(source)}"];
                File.WriteAllBytes(path, bad);
                try { ImageIO.ReadInfo(path); ImageIO.Read(path); }
                catch (InspectaUserException ex) { Assert.StartsWith(path, ex.Message); }
            }
        }
    }

    [Fact]
    public void UnsupportedAndCorruptFilesAreUserErrors()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["notes.png"], "this is not an image at all");
        var ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["notes.png"]));
        Assert.Contains("unsupported", ex.Message);
        Assert.Contains(dir["notes.png"], ex.Message);
        Assert.Throws<InspectaUserException>(() => ImageIO.ReadInfo(dir["notes.png"]));

        ImageIO.WriteTiff(dir["ok.tiff"], TestImages.Random(1, 30, 30, seed: 2));
        byte[] tiff = File.ReadAllBytes(dir["ok.tiff"]);
        File.WriteAllBytes(dir["cut.tiff"], tiff.AsSpan(0, 200).ToArray());
        ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["cut.tiff"]));
        Assert.Contains(dir["cut.tiff"], ex.Message);

        File.WriteAllBytes(dir["hdr.tiff"], [(byte)'I', (byte)'I', 42, 0, 0xFF, 0xFF, 0xFF, 0x7F]);
        ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["hdr.tiff"]));
        Assert.Contains(dir["hdr.tiff"], ex.Message);

        File.WriteAllBytes(dir["bad.jpg"], [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        ex = Assert.Throws<InspectaUserException>(() => ImageIO.Read(dir["bad.jpg"]));
        Assert.Contains(dir["bad.jpg"], ex.Message);
    }

    [Fact]
    public void WritersRejectWhatTheFormatCannotHold()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageIO.WritePng(dir["a.png"], new ImageF(1, 2, 2), 12));
        Assert.Throws<ArgumentException>(() => ImageIO.WritePng(dir["a.png"], new ImageF(2, 2, 2)));
        Assert.Throws<ArgumentException>(() => ImageIO.WriteTiff(dir["a.tiff"], new ImageF(2, 2, 2)));
        Assert.False(File.Exists(dir["a.png"]));
    }
}
