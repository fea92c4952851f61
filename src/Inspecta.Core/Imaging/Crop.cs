namespace Inspecta.Imaging;

/// <summary>Centre crops. The offset is round((in − out) / 2) with round-half-to-even, as torchvision's CenterCrop.</summary>
public static class Crop
{
    public static ImageF Center(ImageF image, int height, int width)
    {
        var (top, left) = Offsets(image.Height, image.Width, height, width);
        var result = new ImageF(image.Channels, height, width);
        for (int c = 0; c < image.Channels; c++)
            for (int y = 0; y < height; y++)
                image.Data.AsSpan((c * image.Height + top + y) * image.Width + left, width).CopyTo(result.Row(c, y));
        return result;
    }

    public static Mask Center(Mask mask, int height, int width)
    {
        var (top, left) = Offsets(mask.Height, mask.Width, height, width);
        var result = new Mask(height, width);
        for (int y = 0; y < height; y++)
            mask.Data.AsSpan((top + y) * mask.Width + left, width).CopyTo(result.Data.AsSpan(y * width, width));
        return result;
    }

    public static AnomalyMap Center(AnomalyMap map, int height, int width) =>
        AnomalyMap.FromImage(Center(map.AsImage(), height, width));

    private static (int Top, int Left) Offsets(int inH, int inW, int height, int width)
    {
        if (height <= 0 || width <= 0 || height > inH || width > inW)
            throw new ArgumentOutOfRangeException(nameof(height), $"Cannot centre-crop {height}×{width} out of {inH}×{inW}.");
        return ((int)Math.Round((inH - height) / 2.0, MidpointRounding.ToEven), (int)Math.Round((inW - width) / 2.0, MidpointRounding.ToEven));
    }
}
