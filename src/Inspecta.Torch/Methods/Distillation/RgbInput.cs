using Inspecta.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Distillation;

/// <summary>The teacher's input: RGB in [0, 1] zoomed to the working square, then ImageNet-normalised as a tensor.</summary>
internal static class RgbInput
{
    public static ImageF Prepare(ImageF image, int size)
    {
        var rgb = image.Channels == 3 ? image : ColorConversion.ToRgb(image);
        return rgb.Width == size && rgb.Height == size ? rgb : Resize.Bilinear(rgb, size, size);
    }

    /// <summary>One prepared image as a 1×3×S×S tensor (not yet normalised).</summary>
    public static Tensor ToTensor(ImageF rgb) => tensor(rgb.Data, [1, 3, rgb.Height, rgb.Width]);

    /// <summary>N×3×H×W in [0, 1] → ImageNet-normalised.</summary>
    public static Tensor Normalize(Tensor x)
    {
        using var mean = tensor(Normalization.ImageNetMean.ToArray(), [1, 3, 1, 1]);
        using var std = tensor(Normalization.ImageNetStd.ToArray(), [1, 3, 1, 1]);
        return (x - mean) / std;
    }
}
