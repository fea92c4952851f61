using Inspecta.Imaging;
using Inspecta.Torch.Methods.Distillation;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>Working images reflection-padded for a dense patch network, as <see cref="PatchNetwork.Dense"/> reads them at prediction.</summary>
internal static class PaddedImages
{
    public static List<ImageF> Of(IReadOnlyList<ImageF> images, (int Before, int After) pad)
    {
        var result = new List<ImageF>(images.Count);
        foreach (var img in images)
        {
            using var scope = NewDisposeScope();
            using var x = tensor(img.Data, [1, img.Channels, img.Height, img.Width]);
            var padded = nn.functional.pad(x, [pad.Before, pad.After, pad.Before, pad.After], PaddingModes.Reflect).contiguous();
            result.Add(new ImageF(img.Channels, (int)padded.shape[2], (int)padded.shape[3], padded.data<float>().ToArray()));
        }
        return result;
    }

    /// <summary>An image as a normalised 1×3×H×W batch.</summary>
    public static Tensor Batch(ImageF image) => RgbInput.Normalize(RgbInput.ToTensor(image));
}
