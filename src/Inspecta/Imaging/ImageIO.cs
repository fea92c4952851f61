using BitMiracle.LibTiff.Classic;
using StbImageSharp;

namespace Inspecta.Imaging;

/// <summary>Reads and writes images. Every failure names the file and the problem.</summary>
public static class ImageIO
{
    // NOTE(foundation): first cut — 8-bit PNG/JPEG/BMP via stb, float32/8/16-bit TIFF via LibTiff.
    // The imaging work extends this (16-bit PNG, palette, writers); keep the public signatures.

    public static ImageF Read(string path)
    {
        if (!File.Exists(path)) throw InspectaUserException.ForFile(path, "file not found.");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 4 && ((bytes[0] == (byte)'I' && bytes[1] == (byte)'I') || (bytes[0] == (byte)'M' && bytes[1] == (byte)'M')))
            return ReadTiff(path);
        try
        {
            var info = ImageInfo.FromStream(new MemoryStream(bytes)) ?? throw InspectaUserException.ForFile(path, "not a supported image (PNG, JPEG, BMP, TIFF).");
            var comp = info.ColorComponents is ColorComponents.Grey or ColorComponents.GreyAlpha ? ColorComponents.Grey : ColorComponents.RedGreenBlue;
            var r = ImageResult.FromMemory(bytes, comp);
            int c = comp == ColorComponents.Grey ? 1 : 3;
            var img = new ImageF(c, r.Height, r.Width);
            int plane = r.Width * r.Height;
            for (int i = 0; i < plane; i++)
                for (int ch = 0; ch < c; ch++)
                    img.Data[ch * plane + i] = r.Data[i * c + ch] / 255f;
            return img;
        }
        catch (InspectaUserException) { throw; }
        catch (Exception ex) { throw InspectaUserException.ForFile(path, $"cannot decode image ({ex.Message}).", ex); }
    }

    public static ImageF ReadTiff(string path)
    {
        using var tif = Tiff.Open(path, "r") ?? throw InspectaUserException.ForFile(path, "cannot open TIFF.");
        int w = tif.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        int h = tif.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        int spp = tif.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
        int bps = tif.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 8;
        var fmt = (SampleFormat)(tif.GetField(TiffTag.SAMPLEFORMAT)?[0].ToInt() ?? (int)SampleFormat.UINT);
        var img = new ImageF(spp, h, w);
        var buf = new byte[tif.ScanlineSize()];
        int plane = w * h;
        for (int y = 0; y < h; y++)
        {
            if (!tif.ReadScanline(buf, y)) throw InspectaUserException.ForFile(path, $"cannot read TIFF row {y}.");
            for (int x = 0; x < w; x++)
                for (int c = 0; c < spp; c++)
                {
                    int i = x * spp + c;
                    float v = (bps, fmt) switch
                    {
                        (32, SampleFormat.IEEEFP) => BitConverter.ToSingle(buf, i * 4),
                        (16, _) => BitConverter.ToUInt16(buf, i * 2) / 65535f,
                        (8, _) => buf[i] / 255f,
                        _ => throw InspectaUserException.ForFile(path, $"unsupported TIFF sample format ({bps}-bit {fmt})."),
                    };
                    img.Data[c * plane + y * w + x] = v;
                }
        }
        return img;
    }
}
