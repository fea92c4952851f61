using Inspecta.Torch.Methods.Distillation;

namespace Inspecta.Torch.Methods.Stfpm;

/// <summary>
/// Options of <c>--method stfpm</c> (Wang et al., "Student-Teacher Feature Pyramid Matching", 2021): 256×256 RGB, the
/// teacher's layer1–3, SGD lr 0.4 (momentum 0.9, weight decay 10⁻⁴), batch 32, 100 epochs. The paper's epoch is one pass
/// over the training images; here an epoch draws --samples-per-epoch images with replacement (default 256, about one pass
/// over an MVTec AD category).
/// </summary>
public sealed record StfpmOptions : TeacherOptions
{
    public StfpmOptions()
    {
        Optimizer = "sgd";
        LearningRate = 0.4;
        WeightDecay = 1e-4;
        BatchSize = 32;
        SamplesPerEpoch = 256;
    }

    internal override string MethodId => StfpmMethod.MethodId;
}
