using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Running per-channel mean and (population) variance of N×C×h×w tensors over every batch, position and image,
/// accumulated in float64: the teacher statistics both EfficientAD and Uninformed Students normalise with.
/// </summary>
internal sealed class ChannelMoments
{
    private double[]? _sum, _squares;
    private long _count;

    public void Add(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var y = batch.to(ScalarType.Float64);
        var s = y.sum([0, 2, 3]).data<double>().ToArray();
        var q = y.Squared().sum([0, 2, 3]).data<double>().ToArray();
        _sum ??= new double[s.Length];
        _squares ??= new double[s.Length];
        for (int c = 0; c < s.Length; c++)
        {
            _sum[c] += s[c];
            _squares[c] += q[c];
        }
        _count += y.shape[0] * y.shape[2] * y.shape[3];
    }

    /// <summary>Per channel: mean, and variance E[y²] − mean² (clamped at 0 against rounding).</summary>
    public (double[] Mean, double[] Variance) Result()
    {
        if (_sum is null) throw new InvalidOperationException("no batch was added");
        var mean = new double[_sum.Length];
        var variance = new double[_sum.Length];
        for (int c = 0; c < mean.Length; c++)
        {
            double m = _sum[c] / _count;
            mean[c] = m;
            variance[c] = Math.Max(_squares![c] / _count - m * m, 0);
        }
        return (mean, variance);
    }
}
