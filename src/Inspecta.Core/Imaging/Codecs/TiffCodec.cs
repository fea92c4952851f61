using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;

namespace Inspecta.Imaging.Codecs;

/// <summary>
/// TIFF via LibTiff.NET: 8/16-bit unsigned integer and 32/64-bit float samples, strips or tiles,
/// contiguous or separate planes. LibTiff reports problems through a process-wide handler that by
/// default prints to stderr; <see cref="SilentThrowingHandler"/> turns errors into exceptions
/// (converted here to <see cref="InspectaUserException"/>s naming the file) and drops warnings.
/// </summary>
internal static class TiffCodec
{
    static TiffCodec() => Tiff.SetErrorHandler(new SilentThrowingHandler());

    public static bool IsTiff(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0) || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42));

    private readonly record struct Layout(int Width, int Height, int SamplesPerPixel, int BitsPerSample, SampleFormat Format, bool Separate, bool MinIsWhite)
    {
        public bool IsFloat => Format == SampleFormat.IEEEFP;
        /// <summary>Integer images drop alpha (2 → 1, 4 → 3 samples); float images keep every sample.</summary>
        public int OutputChannels => IsFloat ? SamplesPerPixel : SamplesPerPixel switch { 2 => 1, 4 => 3, var s => s };
    }

    public static ImageInfo ReadInfo(byte[] bytes, string path) => Run(path, () =>
    {
        using var tif = Open(bytes, path);
        var l = ReadLayout(tif, path);
        return new ImageInfo(l.Width, l.Height, l.OutputChannels, l.BitsPerSample);
    });

    public static ImageF Read(byte[] bytes, string path) => Run(path, () =>
    {
        using var tif = Open(bytes, path);
        var l = ReadLayout(tif, path);
        var img = new ImageF(l.OutputChannels, l.Height, l.Width);
        if (tif.IsTiled()) ReadTiled(tif, l, img, path);
        else ReadStrips(tif, l, img, path);
        return img;
    });

    /// <summary>Uncompressed float32 TIFF, 1 or 3 channels (3 as RGB photometric, like MVTec 3D-AD xyz files).</summary>
    public static byte[] WriteFloat(ImageF image)
    {
        if (image.Channels is not (1 or 3)) throw new ArgumentException($"Float TIFF output supports 1 or 3 channels, got {image.Channels}.", nameof(image));
        return WriteFloatChecked(image);
    }

    private static byte[] WriteFloatChecked(ImageF image)
    {
        int c = image.Channels, w = image.Width, h = image.Height;
        using var ms = new MemoryStream();
        // Writing goes to memory: a failure here is a bug, not a user error, so it is not wrapped by Run.
        using (var tif = Tiff.ClientOpen("out.tiff", "w", ms, new TiffStream()) ?? throw new IOException("LibTiff could not start a TIFF in memory."))
        {
            tif.SetField(TiffTag.IMAGEWIDTH, w);
            tif.SetField(TiffTag.IMAGELENGTH, h);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, c);
            tif.SetField(TiffTag.BITSPERSAMPLE, 32);
            tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
            tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tif.SetField(TiffTag.PHOTOMETRIC, c == 1 ? Photometric.MINISBLACK : Photometric.RGB);
            tif.SetField(TiffTag.COMPRESSION, Compression.NONE);
            tif.SetField(TiffTag.ROWSPERSTRIP, Math.Max(1, 65536 / (w * c * 4)));
            var row = new float[w * c];
            var bytes = new byte[row.Length * 4];
            int plane = w * h;
            for (int y = 0; y < h; y++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    var src = image.Data.AsSpan(ch * plane + y * w, w);
                    for (int x = 0; x < w; x++) row[x * c + ch] = src[x];
                }
                MemoryMarshal.AsBytes(row.AsSpan()).CopyTo(bytes);
                if (!tif.WriteScanline(bytes, y)) throw new IOException($"LibTiff failed to write row {y}.");
            }
            tif.WriteDirectory();
        }
        return ms.ToArray();
    }

    private static Tiff Open(byte[] bytes, string path) =>
        Tiff.ClientOpen(path, "r", new MemoryStream(bytes, writable: false), new TiffStream())
        ?? throw InspectaUserException.ForFile(path, "corrupt TIFF: cannot read its header.");

    private static Layout ReadLayout(Tiff tif, string path)
    {
        int w = tif.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? throw InspectaUserException.ForFile(path, "corrupt TIFF: no image width.");
        int h = tif.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? throw InspectaUserException.ForFile(path, "corrupt TIFF: no image length.");
        int spp = tif.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
        int bps = tif.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
        var fmt = (SampleFormat)(tif.GetField(TiffTag.SAMPLEFORMAT)?[0].ToInt() ?? (int)SampleFormat.UINT);
        var planar = (PlanarConfig)(tif.GetField(TiffTag.PLANARCONFIG)?[0].ToInt() ?? (int)PlanarConfig.CONTIG);
        var photometric = (Photometric)(tif.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? (int)Photometric.MINISBLACK);
        if (w <= 0 || h <= 0 || spp <= 0) throw InspectaUserException.ForFile(path, $"corrupt TIFF: size {w}×{h} with {spp} samples per pixel.");
        bool supported = (fmt, bps) switch
        {
            (SampleFormat.UINT, 8 or 16) => true,
            (SampleFormat.IEEEFP, 32 or 64) => true,
            _ => false,
        };
        if (!supported) throw InspectaUserException.ForFile(path, $"unsupported TIFF sample format: {bps}-bit {fmt} (supported: 8/16-bit unsigned, 32/64-bit float).");
        if (photometric is not (Photometric.MINISBLACK or Photometric.MINISWHITE or Photometric.RGB))
            throw InspectaUserException.ForFile(path, $"unsupported TIFF photometric interpretation {photometric} (supported: grayscale, RGB).");
        if ((long)w * h * spp > Array.MaxLength) throw InspectaUserException.ForFile(path, $"unsupported TIFF: {w}×{h}×{spp} is too large.");
        if (fmt != SampleFormat.IEEEFP && spp > 4) throw InspectaUserException.ForFile(path, $"unsupported TIFF with {spp} integer samples per pixel.");
        return new Layout(w, h, spp, bps, fmt, planar == PlanarConfig.SEPARATE && spp > 1, photometric == Photometric.MINISWHITE);
    }

    private static void ReadStrips(Tiff tif, Layout l, ImageF img, string path)
    {
        var buf = new byte[tif.ScanlineSize()];
        int planes = l.Separate ? l.SamplesPerPixel : 1;
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < l.Height; y++)
            {
                if (!tif.ReadScanline(buf, y, (short)p)) throw InspectaUserException.ForFile(path, $"corrupt TIFF: cannot read row {y}.");
                StoreRun(buf, l, img, y, 0, l.Width, p);
            }
    }

    private static void ReadTiled(Tiff tif, Layout l, ImageF img, string path)
    {
        int tw = tif.GetField(TiffTag.TILEWIDTH)[0].ToInt(), th = tif.GetField(TiffTag.TILELENGTH)[0].ToInt();
        var buf = new byte[tif.TileSize()];
        int planes = l.Separate ? l.SamplesPerPixel : 1;
        int samplesPerTileRow = tw * (l.Separate ? 1 : l.SamplesPerPixel), bytesPerSample = l.BitsPerSample / 8;
        for (int p = 0; p < planes; p++)
            for (int ty = 0; ty < l.Height; ty += th)
                for (int tx = 0; tx < l.Width; tx += tw)
                {
                    if (tif.ReadTile(buf, 0, tx, ty, 0, (short)p) < 0) throw InspectaUserException.ForFile(path, $"corrupt TIFF: cannot read the tile at ({tx}, {ty}).");
                    int rows = Math.Min(th, l.Height - ty), cols = Math.Min(tw, l.Width - tx);
                    for (int r = 0; r < rows; r++)
                        StoreRun(buf.AsSpan(r * samplesPerTileRow * bytesPerSample), l, img, ty + r, tx, cols, p);
                }
    }

    /// <summary>Converts <paramref name="count"/> pixels of one row (all samples, or plane <paramref name="plane"/> when separate) into the image.</summary>
    private static void StoreRun(ReadOnlySpan<byte> src, Layout l, ImageF img, int y, int x0, int count, int plane)
    {
        int stride = l.Separate ? 1 : l.SamplesPerPixel;
        int firstSample = l.Separate ? plane : 0, lastSample = l.Separate ? plane + 1 : l.SamplesPerPixel;
        int planeSize = img.PlaneSize;
        for (int s = firstSample; s < lastSample; s++)
        {
            if (s >= img.Channels) continue; // dropped alpha
            var dst = img.Data.AsSpan(s * planeSize + y * img.Width + x0, count);
            int offset = l.Separate ? 0 : s;
            switch (l.BitsPerSample, l.IsFloat)
            {
                case (8, false):
                    for (int i = 0; i < count; i++) dst[i] = src[i * stride + offset] / 255f;
                    break;
                case (16, false):
                    var u16 = MemoryMarshal.Cast<byte, ushort>(src[..(2 * count * stride)]);
                    for (int i = 0; i < count; i++) dst[i] = u16[i * stride + offset] / 65535f;
                    break;
                case (32, true):
                    var f32 = MemoryMarshal.Cast<byte, float>(src[..(4 * count * stride)]);
                    for (int i = 0; i < count; i++) dst[i] = f32[i * stride + offset];
                    break;
                default:
                    var f64 = MemoryMarshal.Cast<byte, double>(src[..(8 * count * stride)]);
                    for (int i = 0; i < count; i++) dst[i] = (float)f64[i * stride + offset];
                    break;
            }
            if (l.MinIsWhite && !l.IsFloat) for (int i = 0; i < count; i++) dst[i] = 1f - dst[i];
        }
    }

    private static T Run<T>(string path, Func<T> action)
    {
        try { return action(); }
        catch (TiffFailure ex) { throw InspectaUserException.ForFile(path, $"corrupt or unsupported TIFF: {ex.Message}", ex); }
        catch (InspectaUserException) { throw; }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // LibTiff.NET is not defensive against malformed files (it throws casts, index and null errors
            // from deep inside its directory parser); everything inside this wrapper is LibTiff working on
            // the file's bytes, so surface its failures as file problems.
            throw InspectaUserException.ForFile(path, $"corrupt TIFF ({ex.GetType().Name}: {ex.Message}).", ex);
        }
    }

    private sealed class TiffFailure(string message) : Exception(message);

    private sealed class SilentThrowingHandler : TiffErrorHandler
    {
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            throw new TiffFailure(Format(method, format, args));
        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }

        private static string Format(string method, string format, object[] args)
        {
            string text;
            try { text = args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args); }
            catch (FormatException) { text = format; }
            return string.IsNullOrEmpty(method) ? text : $"{method}: {text}";
        }
    }
}
