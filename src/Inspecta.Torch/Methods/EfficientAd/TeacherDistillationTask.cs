using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// Phase "teacher": the PDN learns to regress the backbone's descriptors of each 33×33 patch (the paper distils a
/// WideResNet-101 on ImageNet; here the built-in ResNet-18's layer2 ⊕ layer3, 128 + 256 = 384 channels, on the
/// training images). The target is the backbone's stride-8 map zoomed to stride 4 and cropped to the PDN's output
/// grid (the PDN output i sits at pixel ≈ 4i + 16), standardised per channel with statistics from the training images.
/// </summary>
internal sealed class TeacherDistillationTask : IDisposable
{
    private readonly ResNet18 _backbone;
    private readonly PatchDescriptionNetwork _pdn;
    private readonly Tensor _mean, _std;
    private readonly int _size;

    public TeacherDistillationTask(ResNet18 backbone, PatchDescriptionNetwork pdn, TrainingOptions training, JsonObject architecture, TrainingImages images, int size)
    {
        (_backbone, _pdn, _size) = (backbone, pdn, size);
        (_mean, _std) = ChannelStatistics.Of(images, training.BatchSize, RawTarget);
        Task = new LossTask("teacher", architecture, [("teacher", pdn)],
            Optimizers.Create(OptimizerKind.Adam, pdn.parameters(), training.LearningRate, training.WeightDecay), Loss);
    }

    /// <summary>The phase for <see cref="Trainer"/>.</summary>
    public LossTask Task { get; }

    private Tensor Loss(Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        Tensor target;
        using (no_grad()) target = (RawTarget(x) - _mean) / _std;
        return nn.functional.mse_loss(_pdn.forward(x), target);
    }

    /// <summary>ImageNet-normalised N×3×S×S → the backbone's N×384×o×o descriptors on the PDN's grid.</summary>
    private Tensor RawTarget(Tensor x)
    {
        var f = _backbone.forward(x);
        int quarter = _size / 4, o = PatchDescriptionNetwork.OutputSize(_size), offset = (quarter - o) / 2;
        var l2 = nn.functional.interpolate(f[1], [quarter, quarter], mode: InterpolationMode.Bilinear, align_corners: false);
        var l3 = nn.functional.interpolate(f[2], [quarter, quarter], mode: InterpolationMode.Bilinear, align_corners: false);
        return cat([l2, l3], 1).narrow(2, offset, o).narrow(3, offset, o);
    }

    public void Dispose()
    {
        Task.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
