using BitMiracle.LibTiff.Classic;

namespace Inspecta.Tests.Evaluation;

/// <summary>Writes float32 single-channel TIFFs for the map-reading tests.</summary>
internal static class TestTiff
{
    public static void WriteFloat(string path, int height, int width, float[] data)
    {
        using var tif = Open(path, height, width, 32, SampleFormat.IEEEFP);
        var row = new byte[width * 4];
        for (int y = 0; y < height; y++)
        {
            Buffer.BlockCopy(data, y * width * 4, row, 0, row.Length);
            tif.WriteScanline(row, y);
        }
    }

    /// <summary>An 8-bit grey TIFF, as image tools save a "map" by default.</summary>
    public static void WriteByte(string path, int height, int width, byte[] data)
    {
        using var tif = Open(path, height, width, 8, SampleFormat.UINT);
        for (int y = 0; y < height; y++) tif.WriteScanline(data.AsSpan(y * width, width).ToArray(), y);
    }

    private static Tiff Open(string path, int height, int width, int bits, SampleFormat format)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tif = Tiff.Open(path, "w") ?? throw new IOException($"cannot create {path}");
        tif.SetField(TiffTag.IMAGEWIDTH, width);
        tif.SetField(TiffTag.IMAGELENGTH, height);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(TiffTag.BITSPERSAMPLE, bits);
        tif.SetField(TiffTag.SAMPLEFORMAT, format);
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.ROWSPERSTRIP, height);
        return tif;
    }
}
