using Inspecta.Torch.Nn.Flows;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Nn;

/// <summary>The coupling step's log-determinant is the true one, and a fresh step is a pure permutation.</summary>
public class AffineCouplingTests
{
    [Theory]
    [InlineData(4, 3, 0)]   // 3×3 subnet
    [InlineData(5, 1, 2)]   // odd channels, 1×1 subnet, a condition
    public void LogDeterminantEqualsTheJacobians(int channels, int kernel, int conditionChannels)
    {
        torch.manual_seed(11);
        using var step = new AffineCoupling(channels, kernel, hidden: 6, clamp: 2, conditionChannels, index: 1);
        using (no_grad())
            foreach (var p in step.parameters()) p.copy_(randn_like(p) * 0.7);   // away from the identity start
        using var scope = NewDisposeScope();
        var x = randn(1, channels, 2, 3, dtype: ScalarType.Float64).requires_grad_(true);
        var cond = conditionChannels > 0 ? randn(1, conditionChannels, 2, 3, dtype: ScalarType.Float64) : null;
        step.to(ScalarType.Float64);
        var (y, logDet) = step.forward(x, cond);
        long d = x.numel();
        var jacobian = zeros(d, d, dtype: ScalarType.Float64);
        var flat = y.reshape(d);
        for (long i = 0; i < d; i++)
        {
            var g = autograd.grad([flat[i]], [x], retain_graph: true)[0];
            jacobian[i] = g.reshape(d);
        }
        var (sign, logAbs) = linalg.slogdet(jacobian);
        Assert.NotEqual(0.0, sign.item<double>());
        double expected = logAbs.item<double>(), actual = logDet.item<double>();
        Assert.True(Math.Abs(expected) > 0.1, $"log|det| {expected}: the test would prove nothing");
        Assert.True(Math.Abs(expected - actual) < 1e-9, $"log|det J| = {expected}, the step reports {actual}");
    }

    [Fact]
    public void AFreshStepPermutesAndKeepsVolume()
    {
        using var step = new AffineCoupling(6, 3, hidden: 4, clamp: 2, conditionChannels: 0, index: 0);
        using var scope = NewDisposeScope();
        var x = randn(2, 6, 3, 3);
        var (y, logDet) = step.forward(x, null);
        Assert.Equal(0f, logDet.abs().max().item<float>());
        // The same values in another channel order: sorted per position they agree exactly.
        var a = x.sort(1).Values;
        var b = y.sort(1).Values;
        Assert.True((a == b).all().item<bool>());
        Assert.False((x == y).all().item<bool>(), "the permutation should move channels");
    }
}
