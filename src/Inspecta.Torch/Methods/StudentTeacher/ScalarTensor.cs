using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// A number as a 0-dimensional float tensor, for arithmetic in training and scoring loops: TorchSharp's implicit
/// double → Scalar conversions were seen to fail intermittently ("Unknown scalar type", see Nn/LeakyRelu), a tensor
/// operand holds no native Scalar. Created inside the caller's dispose scope.
/// </summary>
internal static class ScalarTensor
{
    public static Tensor Of(float value) => tensor(value);
}
