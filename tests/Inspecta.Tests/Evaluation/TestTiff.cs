using BitMiracle.LibTiff.Classic;

namespace Inspecta.Tests.Evaluation;

/// <summary>Writes float32 single-channel TIFFs for the map-reading tests.</summary>
internal static class TestTiff
{
    public static void WriteFloat(string path, int height, int width, float[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var tif = Tiff.Open(path, "w") ?? throw new IOException($"cannot create {path}");
        tif.SetField(TiffTag.IMAGEWIDTH, width);
        tif.SetField(TiffTag.IMAGELENGTH, height);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(TiffTag.BITSPERSAMPLE, 32);
        tif.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.ROWSPERSTRIP, height);
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
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var tif = Tiff.Open(path, "w") ?? throw new IOException($"cannot create {path}");
        tif.SetField(TiffTag.IMAGEWIDTH, width);
        tif.SetField(TiffTag.IMAGELENGTH, height);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tif.SetField(TiffTag.BITSPERSAMPLE, 8);
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.ROWSPERSTRIP, height);
        for (int y = 0; y < height; y++) tif.WriteScanline(data.AsSpan(y * width, width).ToArray(), y);
    }
}
