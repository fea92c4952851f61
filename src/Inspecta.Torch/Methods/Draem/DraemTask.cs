using System.Text.Json.Nodes;
using Inspecta.Torch.Imaging;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Draem;

/// <summary>
/// One DRAEM training step: the batch gets simulated anomalies (<see cref="AnomalySynthesizer"/>); the reconstructive
/// network restores the clean image from the augmented one (loss: squared error + 1 − mean SSIM, window 11); the
/// discriminative network segments the anomaly from the augmented image and its reconstruction (focal loss, γ = 2).
/// The loss is their sum.
/// </summary>
internal static class DraemTask
{
    public const double FocalGamma = 2;

    /// <summary>The phase; it owns <paramref name="optimizer"/>.</summary>
    public static LossTask Create(ReconstructiveNetwork reconstructive, DiscriminativeNetwork discriminative, OptimizerHelper optimizer,
        AnomalySynthesizer synthesizer, JsonObject architecture) =>
        new("draem", architecture, [("reconstructive", reconstructive), ("discriminative", discriminative)], optimizer,
            batch => Loss(reconstructive, discriminative, synthesizer, batch));

    private static Tensor Loss(ReconstructiveNetwork reconstructive, DiscriminativeNetwork discriminative, AnomalySynthesizer synthesizer, Tensor batch)
    {
        var (augmented, mask) = Synthesize(synthesizer, batch);
        var restored = reconstructive.forward(augmented);
        var l2 = nn.functional.mse_loss(restored, batch);
        var ssim = Scalars.From(1, Ssim.Map(restored, batch).mean());
        var logits = discriminative.forward(cat([augmented, restored], 1));
        return l2.Plus(ssim).Plus(Focal(logits, mask));
    }

    /// <summary>Focal loss (Lin et al.) of N×2×H×W logits against an N×1×H×W 0/1 mask: mean of −(1 − p_t)^γ·log p_t.</summary>
    public static Tensor Focal(Tensor logits, Tensor mask)
    {
        var logP = nn.functional.log_softmax(logits, 1);
        var logPt = logP.gather(1, mask.to(ScalarType.Int64));
        var weight = Scalars.From(1, logPt.exp()).Power(FocalGamma);
        return (weight * logPt).mean().neg();
    }

    private static (Tensor Augmented, Tensor Mask) Synthesize(AnomalySynthesizer synthesizer, Tensor batch)
    {
        long n = batch.shape[0];
        int size = (int)batch.shape[2], plane = size * size, stride = 3 * plane;
        var clean = batch.contiguous().data<float>().ToArray();
        var augmented = new float[clean.Length];
        var mask = new float[n * plane];
        Parallel.For(0, (int)n, i => synthesizer.Apply(clean.AsSpan(i * stride, stride), size, augmented.AsSpan(i * stride, stride), mask.AsSpan(i * plane, plane)));
        return (tensor(augmented, [n, 3, size, size]), tensor(mask, [n, 1, size, size]));
    }
}
