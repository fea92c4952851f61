using System.Text.Json.Nodes;
using Inspecta.Imaging;

namespace Inspecta.Torch.Imaging;

/// <summary>How an input image becomes the network's working image: optional grayscale, then a zoom to a square.</summary>
public sealed record Preprocessing(int ImageSize, bool Grayscale)
{
    public ImageF Apply(ImageF image)
    {
        var img = Grayscale && image.Channels != 1 ? ColorConversion.ToGray(image) : image;
        return img.Width == ImageSize && img.Height == ImageSize ? img : Resize.Bilinear(img, ImageSize, ImageSize);
    }

    /// <summary>Channels of the working image for an input with <paramref name="inputChannels"/>.</summary>
    public int Channels(int inputChannels) => Grayscale ? 1 : inputChannels;

    public JsonObject ToJson() => new() { ["image_size"] = ImageSize, ["grayscale"] = Grayscale };
    public static Preprocessing FromJson(JsonObject o) => new(o["image_size"]!.GetValue<int>(), o["grayscale"]!.GetValue<bool>());
}
