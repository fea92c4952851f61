using Inspecta.Torch.Nn;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>Mean and standard deviation of every value of many maps (double sums), for the validation normalisation of anomaly maps.</summary>
internal sealed class MapStatistics
{
    private double _sum, _squares;
    private long _count;

    public void Add(Tensor map)
    {
        using var scope = NewDisposeScope();
        var m = map.to(ScalarType.Float64);
        _sum += m.sum().item<double>();
        _squares += m.Squared().sum().item<double>();
        _count += m.numel();
    }

    /// <summary>(mean, standard deviation) as floats; a constant map gets deviation 1 (nothing to scale).</summary>
    public (float Mean, float Std) Result()
    {
        if (_count == 0) throw new InvalidOperationException("No values.");
        double mean = _sum / _count, variance = _squares / _count - mean * mean;
        return ((float)mean, variance > 1e-20 ? (float)Math.Sqrt(variance) : 1f);
    }
}
