using Inspecta.Imaging;
using Inspecta.Reporting;

namespace Inspecta.Tests.Reporting;

/// <summary>predict's overlay: heat map, the mask outline, the score and a colour bar with the threshold.</summary>
public class PredictionOverlayTests
{
    private static (float, float, float) Pixel(ImageF rgb, int y, int x) => (rgb[0, y, x], rgb[1, y, x], rgb[2, y, x]);

    [Fact]
    public void Render_DrawsOutlineScoreAndColourBar_AtTheImageSize()
    {
        var image = new ImageF(1, 320, 320);
        image.Data.AsSpan().Fill(0.5f);
        var map = new AnomalyMap(320, 320);
        var mask = new Mask(320, 320);
        for (int y = 140; y < 180; y++)
            for (int x = 100; x < 140; x++) { map.Data[y * 320 + x] = 2f; mask[y, x] = 255; }
        var plain = HeatmapRenderer.Overlay(image, map, 0, 2);
        var rgb = PredictionOverlay.Render(image, map, 0, 2, score: 2f, mask, threshold: 1f);
        Assert.Equal((3, 320, 320), (rgb.Channels, rgb.Height, rgb.Width));

        // The mask outline is white, its inside keeps the heat colour.
        Assert.Equal(PredictionOverlay.OutlineColor, Pixel(rgb, 140, 120));
        Assert.Equal(Pixel(plain, 160, 120), Pixel(rgb, 160, 120));
        // The score label: a dark box with white ink in the top-left corner.
        var corner = Enumerable.Range(0, 12).SelectMany(y => Enumerable.Range(0, 60).Select(x => Pixel(rgb, y, x))).ToList();
        Assert.Contains((0f, 0f, 0f), corner);
        Assert.Contains((1f, 1f, 1f), corner);
        // The colour bar at the right edge: hottest colour at its top, coldest at its bottom, a threshold tick in between.
        int barX = 320 - 320 / 32 - 2 + 2, barTop = (320 - 320 * 3 / 5) / 2, barBottom = barTop + 320 * 3 / 5 - 1;
        var lut = Colormap.Lut;
        Assert.Equal((lut[3 * 255], lut[3 * 255 + 1], lut[3 * 255 + 2]), Pixel(rgb, barTop, barX));
        Assert.Equal((lut[0], lut[1], lut[2]), Pixel(rgb, barBottom, barX));
        int tick = barTop + (int)Math.Round(0.5 * (320 * 3 / 5 - 1));
        Assert.Equal((1f, 1f, 1f), Pixel(rgb, tick, barX));
        // Away from the annotations the overlay is the plain heat map.
        Assert.Equal(Pixel(plain, 250, 60), Pixel(rgb, 250, 60));
    }

    [Fact]
    public void Render_OnATinyImage_KeepsTheSizeAndSkipsTheBar()
    {
        var rgb = PredictionOverlay.Render(new ImageF(3, 6, 6), new AnomalyMap(6, 6), 0, 1, 0.5f);
        Assert.Equal((3, 6, 6), (rgb.Channels, rgb.Height, rgb.Width));
    }
}
