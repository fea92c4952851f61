using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Leaky ReLU whose slope is a held Scalar. TorchSharp's <c>nn.LeakyReLU</c> (and <c>functional.leaky_relu</c>) turn
/// the slope into a temporary Scalar on every call, which a concurrent garbage collection can free mid-call (the
/// "toFloat" check in libtorch once failed mid-training in a long test process; the cause is in <see cref="Scalars"/>).
/// </summary>
public sealed class LeakyRelu(double slope) : nn.Module<Tensor, Tensor>("leaky_relu")
{
    public override Tensor forward(Tensor x) => x.leaky_relu(Scalars.Of(slope));
}
