using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Tensor–number arithmetic through an explicitly held <see cref="Scalar"/>. An implicit double → Scalar conversion makes
/// a native Scalar that nothing keeps alive once its handle is passed on, so the garbage collector may free it while
/// libtorch still reads it (the intermittent "Unknown scalar type" of <c>div(Tensor, Scalar)</c>, see docs/benchmarks.md);
/// here the Scalar lives until the operation has returned.
/// </summary>
public static class Scalars
{
    public static Tensor Mul(Tensor t, double value)
    {
        using var s = value.ToScalar();
        return t.mul(s);
    }

    public static Tensor Add(Tensor t, double value)
    {
        using var s = value.ToScalar();
        return t.add(s);
    }

    /// <summary><paramref name="value"/> − t.</summary>
    public static Tensor SubtractFrom(double value, Tensor t)
    {
        using var s = value.ToScalar();
        return t.neg().add(s);
    }

    public static Tensor Pow(Tensor t, double exponent)
    {
        using var s = exponent.ToScalar();
        return t.pow(s);
    }

    public static Tensor Clamp(Tensor t, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return t.clamp(lo, hi);
    }
}
