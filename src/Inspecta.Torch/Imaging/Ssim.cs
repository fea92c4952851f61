using TorchSharp;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Imaging;

/// <summary>
/// Per-pixel structural similarity (thesis eq. 3.9, α = β = γ = 1) over a sliding K×K uniform window, differentiable,
/// so one implementation serves as the SSIM-AE's training loss and as its anomaly map (and for any later method).
/// Borders are reflected so the map has the input's size. Constants: the standard (0.01·L)² and (0.03·L)² for
/// intensities in [0, 1]; the thesis prints 0.01 and 0.03, which its spec marks uncertain (they would flatten the
/// contrast term for [0, 1] images).
/// </summary>
public static class Ssim
{
    public const int DefaultWindow = 11;
    public const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;
    /// <summary>The constants as the thesis prints them (L746): they ignore contrast below σ² ≈ 0.03, i.e. sensor noise and faint texture.</summary>
    public const double ThesisC1 = 0.01, ThesisC2 = 0.03;

    /// <summary>SSIM per pixel of N×C×H×W inputs, averaged over the channels: N×1×H×W in [−1, 1].</summary>
    public static Tensor Map(Tensor x, Tensor y, int window = DefaultWindow, double c1 = C1, double c2 = C2)
    {
        if (window < 1 || window % 2 == 0) throw new ArgumentOutOfRangeException(nameof(window), "The SSIM window must be odd and positive.");
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        int r = window / 2;
        if (h <= r || w <= r) throw new ArgumentException($"Images of {h}×{w} are too small for an {window}×{window} SSIM window.");
        var a = x.reshape(n * c, 1, h, w);
        var b = y.reshape(n * c, 1, h, w);
        Tensor Mean(Tensor t) => nn.functional.avg_pool2d(nn.functional.pad(t, [r, r, r, r], PaddingModes.Reflect), window, stride: 1);
        var muA = Mean(a);
        var muB = Mean(b);
        var varA = Mean(a * a) - muA * muA;
        var varB = Mean(b * b) - muB * muB;
        var cov = Mean(a * b) - muA * muB;
        var ssim = (muA.Times(2) * muB).Plus(c1) * cov.Times(2).Plus(c2) / ((muA * muA).Plus(muB * muB).Plus(c1) * varA.Plus(varB).Plus(c2));
        return ssim.reshape(n, c, h, w).mean([1], keepdim: true).MoveToOuterDisposeScope();
    }
}
