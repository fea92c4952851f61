using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// Phase "student": with the teacher frozen and its descriptors standardised (μ, σ per channel over the training
/// images), one step trains the student and the autoencoder together on L = L_hard + L_AE + L_STAE:
/// L_hard, the mean of the squared student–teacher errors at or above their --hard-quantile (the hard-feature loss);
/// L_AE, the autoencoder's mean squared error to the teacher; L_STAE, the mean squared error of the student's second
/// 384 channels to the autoencoder's output. The inputs carry the training images' photometric jitter. Two deviations
/// from the paper, for a CPU without ImageNet: one (jittered) view per step feeds all three networks (the paper runs
/// teacher and student twice, on the plain and the jittered image), and the ImageNet penalty on the student's outputs
/// is left out.
/// </summary>
internal static class StudentTask
{
    public static LossTask Create(PatchDescriptionNetwork teacher, PatchDescriptionNetwork student, EfficientAdAutoencoder autoencoder,
        TeacherNormalization normalization, TrainingOptions training, double hardQuantile, JsonObject architecture)
    {
        var optimizer = Optimizers.Create(training.Optimizer, student.parameters().Concat(autoencoder.parameters()), training.LearningRate, training.WeightDecay);
        return new LossTask("student", architecture, [("student", student), ("autoencoder", autoencoder)], optimizer,
            batch => Loss(teacher, student, autoencoder, normalization, hardQuantile, batch));
    }

    private static Tensor Loss(PatchDescriptionNetwork teacher, PatchDescriptionNetwork student, EfficientAdAutoencoder autoencoder,
        TeacherNormalization normalization, double hardQuantile, Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        Tensor t;
        using (no_grad()) t = normalization.Apply(teacher.forward(x));
        var s = student.forward(x);
        int c = teacher.OutputChannels;
        var errors = (t - s.narrow(1, 0, c)).Squared().flatten();
        long hard = Math.Max(1, (long)Math.Ceiling((1 - hardQuantile) * errors.shape[0]));
        var hardLoss = errors.topk((int)Math.Min(hard, errors.shape[0])).values.mean();
        var a = autoencoder.forward(x);
        var aeLoss = (t - a).Squared().mean();
        var staeLoss = (a - s.narrow(1, c, c)).Squared().mean();
        return hardLoss.Plus(aeLoss).Plus(staeLoss);
    }
}
