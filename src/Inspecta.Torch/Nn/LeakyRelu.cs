using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Leaky ReLU that passes its slope as a double on every call. TorchSharp's <c>nn.LeakyReLU</c> keeps a native Scalar
/// for the slope; in a long test process that Scalar was once found invalid mid-training ("toFloat" check in
/// libtorch), so the activation holds no native state at all.
/// </summary>
public sealed class LeakyRelu(double slope) : nn.Module<Tensor, Tensor>("leaky_relu")
{
    public override Tensor forward(Tensor x) => nn.functional.leaky_relu(x, slope);
}
