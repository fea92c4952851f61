using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Teacher pretraining (thesis §5.2.1, eq. 5.6 with λk = λc = 1, λm = 0 as for MVTec AD): on p×p patches, the knowledge
/// distillation loss ‖U(T̂(P)) − F(P)‖² with a linear decoder U (d → dim F) and F the pretrained ResNet-18's descriptor of
/// the patch, plus the compactness loss Σ_{k≠l} C²_kl over the correlation matrix C of the batch's descriptors. F here is
/// the built-in backbone (TorchSharp, frozen) on the patch zoomed to <see cref="DescriptorInput"/>², its layer2 and layer3
/// averaged over positions and concatenated (384-d): Inspecta's ResNet-18 runs to layer3, the thesis's 512-d vector is
/// layer4's. The decoder is discarded after pretraining.
/// </summary>
internal sealed class TeacherPretrainingTask : IDisposable
{
    public const int DescriptorInput = 64;
    public static int DescriptorDim => ResNet18.StageChannels[1] + ResNet18.StageChannels[2];

    private readonly ResNet18 _backbone;
    private readonly PatchNetwork _teacher;
    private readonly Linear _decoder;

    public TeacherPretrainingTask(ResNet18 backbone, PatchNetwork teacher, TrainingOptions training, JsonObject architecture)
    {
        (_backbone, _teacher, _decoder) = (backbone, teacher, nn.Linear(teacher.Layout.DescriptorDim, DescriptorDim));
        Task = new LossTask($"teacher-p{teacher.Layout.ReceptiveField}", architecture, [("teacher", teacher), ("decoder", _decoder)],
            Optimizers.Create(training.Optimizer, teacher.parameters().Concat(_decoder.parameters()), training.LearningRate, training.WeightDecay), Loss);
    }

    /// <summary>The phase for <see cref="Trainer"/>.</summary>
    public LossTask Task { get; }

    private Tensor Loss(Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        Tensor target;
        using (no_grad())
        {
            var zoomed = nn.functional.interpolate(x, [DescriptorInput, DescriptorInput], mode: InterpolationMode.Bilinear, align_corners: false);
            var f = _backbone.forward(zoomed);
            target = cat([f[1].mean([2, 3]), f[2].mean([2, 3])], 1);
        }
        var descriptors = _teacher.Patches(x);
        var distillation = (_decoder.forward(descriptors) - target).Squared().sum(1).mean();
        return distillation.Plus(Compactness(descriptors));
    }

    /// <summary>Σ_{k≠l} C²_kl of the batch's correlation matrix (eq. 5.5); zero for a batch of one.</summary>
    internal static Tensor Compactness(Tensor descriptors)
    {
        long n = descriptors.shape[0];
        if (n < 2) return zeros(1).sum();
        var centred = descriptors - descriptors.mean([0], keepdim: true);
        var std = centred.Squared().mean([0], keepdim: true).Plus(ScalarTensor.Of(1e-8f)).sqrt();
        var z = centred / std;
        var c = z.t().matmul(z) / ScalarTensor.Of(n);
        var diagonal = c.diagonal();
        return c.Squared().sum() - diagonal.Squared().sum();
    }

    public void Dispose()
    {
        Task.Dispose();
        _decoder.Dispose();
    }
}
