using Inspecta.Imaging;
using Inspecta.Reporting;
using StbImageSharp;

namespace Inspecta.Tests.Reporting;

public class ReportImageEncoderTests
{
    private static ImageF Pattern(int channels)
    {
        var img = new ImageF(channels, 17, 23);   // odd sizes: row padding must not shear the picture
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < 17; y++)
                for (int x = 0; x < 23; x++)
                    img[c, y, x] = ((x * 11 + y * 7 + c * 50) % 256) / 255f;
        return img;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Png_RoundTripsExactly(int channels)
    {
        var img = Pattern(channels);
        var decoded = ImageResult.FromMemory(ReportImageEncoder.Png(img), channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        Assert.Equal((23, 17), (decoded.Width, decoded.Height));
        for (int y = 0; y < 17; y++)
            for (int x = 0; x < 23; x++)
                for (int c = 0; c < channels; c++)
                    Assert.Equal((byte)(img[c, y, x] * 255 + 0.5f), decoded.Data[(y * 23 + x) * channels + c]);
    }

    [Fact]
    public void Jpeg_DecodesCloseToTheInput_AndClampsOutOfRange()
    {
        var img = new ImageF(3, 32, 32);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = 0.5f;
        img.Data[0] = 7f;   // out of range values are clamped, not wrapped
        var decoded = ImageResult.FromMemory(ReportImageEncoder.Jpeg(img, 95), ColorComponents.RedGreenBlue);
        Assert.Equal((32, 32), (decoded.Width, decoded.Height));
        Assert.InRange(decoded.Data[32 * 3 * 16 + 16 * 3], 120, 135);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportImageEncoder.Jpeg(img, 0));
        Assert.Throws<ArgumentException>(() => ReportImageEncoder.Png(new ImageF(2, 4, 4)));
    }
}
