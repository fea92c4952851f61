using Inspecta.Features;
using Inspecta.Imaging;

namespace Inspecta.Detectors.Components;

/// <summary>A patch-grid score map to the original image: bilinear to the network input, Gaussian blur, then undo the preprocessing.</summary>
public static class GridScoreMap
{
    /// <summary>PatchCore's smoothing (σ = 4 px at the network input), shared by the feature-grid methods.</summary>
    public const float DefaultSigma = 4f;

    public static AnomalyMap ToImage(float[] grid, int h, int w, Preprocessing pre, int originalHeight, int originalWidth, float sigma = DefaultSigma)
    {
        var coarse = new AnomalyMap(h, w, grid);
        var input = Resize.Bilinear(coarse, pre.InputSize, pre.InputSize);
        GaussianBlur.Apply(input, sigma);
        return pre.ToOriginal(input, originalHeight, originalWidth);
    }
}
