using Inspecta.Torch.Methods.Distillation;
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
        double[]? sum = null, squares = null;
        long count = 0;
        for (int first = 0; first < images.Count; first += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var y = describe(RgbInput.Normalize(images.Fixed(first, Math.Min(batchSize, images.Count - first)))).to(float64);
            var s = y.sum([0, 2, 3]).data<double>().ToArray();
            var q = (y * y).sum([0, 2, 3]).data<double>().ToArray();
            sum ??= new double[s.Length];
            squares ??= new double[s.Length];
            for (int c = 0; c < s.Length; c++)
            {
                sum[c] += s[c];
                squares[c] += q[c];
            }
            count += y.shape[0] * y.shape[2] * y.shape[3];
        }
        var mean = new float[sum!.Length];
        var sd = new double[sum.Length];
        for (int c = 0; c < mean.Length; c++)
        {
            double m = sum[c] / count;
            mean[c] = (float)m;
            sd[c] = Math.Sqrt(Math.Max(squares![c] / count - m * m, 0));
        }
        // A channel that is (almost) never active (a ReLU that stays at 0 on these images) would be blown up by its
        // tiny deviation: no channel's scale is taken below 1 % of the average channel's.
        double floor = Math.Max(0.01 * sd.Average(), 1e-6);
        var std = sd.Select(v => (float)Math.Max(v, floor)).ToArray();
        return (tensor(mean, [1, mean.Length, 1, 1]), tensor(std, [1, std.Length, 1, 1]));
    }
}
