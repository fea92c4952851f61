using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>Per-channel mean and standard deviation of a network's outputs over a set of images (the paper's μ, σ of the teacher).</summary>
internal static class ChannelStatistics
{
    /// <summary>1×C×1×1 mean and std of <paramref name="describe"/>'s N×C×h×w outputs over every image (under no_grad;
    /// the [0, 1] images are ImageNet-normalised first), accumulated in double precision.</summary>
    public static (Tensor Mean, Tensor Std) Of(TrainingImages images, int batchSize, Func<Tensor, Tensor> describe, CancellationToken ct = default)
    {
        using var _ = no_grad();
        var moments = new ChannelMoments();
        for (int first = 0; first < images.Count; first += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            moments.Add(describe(RgbInput.Normalize(images.Fixed(first, Math.Min(batchSize, images.Count - first)))));
        }
        var (m, variance) = moments.Result();
        var mean = m.Select(v => (float)v).ToArray();
        var sd = variance.Select(Math.Sqrt).ToArray();
        // A channel that is (almost) never active (a ReLU that stays at 0 on these images) would be blown up by its
        // tiny deviation: no channel's scale is taken below 1 % of the average channel's.
        double floor = Math.Max(0.01 * sd.Average(), 1e-6);
        var std = sd.Select(v => (float)Math.Max(v, floor)).ToArray();
        return (tensor(mean, [1, mean.Length, 1, 1]), tensor(std, [1, std.Length, 1, 1]));
    }
}
