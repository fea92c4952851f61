using Inspecta.Imaging;
using Inspecta.Reporting;

namespace Inspecta.Tests.Reporting;

public class HeatmapRendererTests
{
    [Fact]
    public void Colormap_GoesFromDarkBlueToDarkRed_WithBrightMiddle()
    {
        var cold = Colormap.Turbo(0f);
        var hot = Colormap.Turbo(1f);
        var mid = Colormap.Turbo(0.5f);
        var blue = Colormap.Turbo(0.15f);
        Assert.True(cold.R + cold.G + cold.B < 0.5f, $"cold end should be dark, got {cold}");
        Assert.True(blue.B > blue.R && blue.B > blue.G, $"low scores should be blue, got {blue}");
        Assert.True(hot.R > hot.G && hot.R > hot.B, $"hot end should be red, got {hot}");
        Assert.True(mid.G > 0.8f, $"middle should be bright green/yellow, got {mid}");
        float Lum((float R, float G, float B) c) => 0.2126f * c.R + 0.7152f * c.G + 0.0722f * c.B;
        Assert.True(Lum(mid) > Lum(cold) + 0.4f && Lum(mid) > Lum(hot) + 0.4f);
        foreach (float v in Colormap.Lut) Assert.InRange(v, 0f, 1f);
    }

    [Fact]
    public void Colormap_ClampsAndMapsNaNToColdEnd()
    {
        Assert.Equal(Colormap.Turbo(0f), Colormap.Turbo(-3f));
        Assert.Equal(Colormap.Turbo(1f), Colormap.Turbo(7f));
        Assert.Equal(Colormap.Turbo(0f), Colormap.Turbo(float.NaN));
    }

    [Fact]
    public void Colorize_UsesLoHiRange_PlanarRgb()
    {
        var map = new AnomalyMap(2, 3, [0f, 5f, 10f, -1f, 20f, float.NaN]);
        var rgb = HeatmapRenderer.Colorize(map, 0f, 10f);
        Assert.Equal((3, 2, 3), (rgb.Channels, rgb.Height, rgb.Width));
        (float, float, float) At(int y, int x) => (rgb[0, y, x], rgb[1, y, x], rgb[2, y, x]);
        Assert.Equal(Colormap.Turbo(0f), At(0, 0));
        Assert.Equal(Colormap.Turbo(0.5f), At(0, 1));
        Assert.Equal(Colormap.Turbo(1f), At(0, 2));
        Assert.Equal(Colormap.Turbo(0f), At(1, 0));   // below lo clamps
        Assert.Equal(Colormap.Turbo(1f), At(1, 1));   // above hi clamps
        Assert.Equal(Colormap.Turbo(0f), At(1, 2));   // NaN → cold
    }

    [Theory]
    [InlineData(1f, 1f)]
    [InlineData(2f, 1f)]
    [InlineData(float.NaN, 1f)]
    [InlineData(0f, float.PositiveInfinity)]
    public void Colorize_RejectsEmptyOrInvalidRange(float lo, float hi) =>
        Assert.Throws<ArgumentException>(() => HeatmapRenderer.Colorize(new AnomalyMap(1, 1), lo, hi));

    [Fact]
    public void Overlay_BlendsGreyImagePromotedToRgb()
    {
        var image = new ImageF(1, 2, 2, [0f, 1f, 0.5f, 2f]);   // 2f is clamped to 1
        var map = new AnomalyMap(2, 2, [0f, 1f, 0.5f, 1f]);
        var o = HeatmapRenderer.Overlay(image, map, 0f, 1f, alpha: 0.25f);
        Assert.Equal(3, o.Channels);
        var hot = Colormap.Turbo(1f);
        Assert.Equal(0.75f * 1f + 0.25f * hot.R, o[0, 0, 1], 5);
        Assert.Equal(0.75f * 1f + 0.25f * hot.B, o[2, 1, 1], 5);
        var cold = Colormap.Turbo(0f);
        Assert.Equal(0.25f * cold.G, o[1, 0, 0], 5);
    }

    [Fact]
    public void Overlay_AlphaZeroReturnsImage_AlphaOneReturnsHeat()
    {
        var image = new ImageF(3, 4, 4);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (i % 7) / 7f;
        var map = new AnomalyMap(4, 4);
        for (int i = 0; i < map.Data.Length; i++) map.Data[i] = i;
        Assert.Equal(image.Data, HeatmapRenderer.Overlay(image, map, 0, 15, 0f).Data);
        Assert.Equal(HeatmapRenderer.Colorize(map, 0, 15).Data, HeatmapRenderer.Overlay(image, map, 0, 15, 1f).Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatmapRenderer.Overlay(image, map, 0, 15, 1.5f));
    }

    [Fact]
    public void Overlay_ResizesSmallerMapToImage()
    {
        var image = new ImageF(3, 8, 6);
        // Left half cold, right half hot, predicted at half resolution.
        var map = new AnomalyMap(4, 3, [0, 0.5f, 1, 0, 0.5f, 1, 0, 0.5f, 1, 0, 0.5f, 1]);
        var o = HeatmapRenderer.Overlay(image, map, 0f, 1f, 1f);
        Assert.Equal((8, 6), (o.Height, o.Width));
        Assert.Equal(Colormap.Turbo(0f).B, o[2, 3, 0], 5);
        Assert.Equal(Colormap.Turbo(1f).R, o[0, 3, 5], 5);
    }

    [Fact]
    public void DrawContour_MarksOnlyTheRegionBoundary()
    {
        var rgb = new ImageF(3, 7, 7);
        var mask = new Mask(7, 7);
        for (int y = 1; y <= 5; y++) for (int x = 1; x <= 5; x++) mask[y, x] = 255;
        HeatmapRenderer.DrawContour(rgb, mask, (1f, 0.5f, 0f));
        int marked = 0;
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 7; x++)
            {
                bool onRing = mask[y, x] != 0 && (y == 1 || y == 5 || x == 1 || x == 5);
                Assert.Equal(onRing ? 1f : 0f, rgb[0, y, x]);
                Assert.Equal(onRing ? 0.5f : 0f, rgb[1, y, x]);
                if (onRing) marked++;
            }
        Assert.Equal(16, marked);
    }

    [Fact]
    public void DrawContour_ThicknessGrowsInwards_AndRegionAtBorderIsClosed()
    {
        var rgb = new ImageF(3, 6, 6);
        var mask = new Mask(6, 6);
        for (int y = 0; y < 6; y++) for (int x = 0; x < 6; x++) mask[y, x] = 1;   // whole image
        HeatmapRenderer.DrawContour(rgb, mask, (0f, 1f, 0f), thickness: 2);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 6; x++)
            {
                bool inner = y is 2 or 3 && x is 2 or 3;
                Assert.Equal(inner ? 0f : 1f, rgb[1, y, x]);
            }
    }

    [Fact]
    public void DrawContour_RejectsSizeMismatchAndGrey()
    {
        Assert.Throws<ArgumentException>(() => HeatmapRenderer.DrawContour(new ImageF(3, 4, 4), new Mask(4, 5), (1, 0, 0)));
        Assert.Throws<ArgumentException>(() => HeatmapRenderer.DrawContour(new ImageF(1, 4, 4), new Mask(4, 4), (1, 0, 0)));
    }
}
