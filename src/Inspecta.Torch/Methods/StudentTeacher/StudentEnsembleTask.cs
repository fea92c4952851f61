using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Student training of one scale (thesis eq. 5.7): the frozen teacher's dense descriptors of a crop, normalised per
/// component with the training set's mean and standard deviation, are the regression target of every student of the
/// ensemble; the loss is per student the mean over positions of ‖S_i − (y − μ)/σ‖², averaged over the students. The
/// students see the same crops but start from different random weights; one Adam over all of them equals one Adam per
/// student (Adam is element-wise). The batch is a crop padded by the scale's <see cref="PatchNetworkLayout.Padding"/>
/// with real image context (reflection only at the image border), so the valid dense output covers the crop exactly.
/// </summary>
internal static class StudentEnsembleTask
{
    public static LossTask Create(PatchNetwork teacher, IReadOnlyList<PatchNetwork> students, Tensor mean, Tensor std, TrainingOptions training,
        JsonObject architecture) =>
        new($"students-p{teacher.Layout.ReceptiveField}", architecture, [.. students.Select((s, i) => ($"student{i}", (nn.Module)s))],
            Optimizers.Create(training.Optimizer, students.SelectMany(s => s.parameters()), training.LearningRate, training.WeightDecay),
            batch => Loss(teacher, students, mean, std, batch));

    private static Tensor Loss(PatchNetwork teacher, IReadOnlyList<PatchNetwork> students, Tensor mean, Tensor std, Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        Tensor target;
        using (no_grad()) target = (teacher.forward(x) - mean) / std;
        Tensor? sum = null;
        foreach (var s in students)
        {
            var term = (s.forward(x) - target).Squared().sum(1).mean();
            sum = sum is null ? term : sum.Plus(term);
        }
        return sum! / ScalarTensor.Of(students.Count);
    }
}
