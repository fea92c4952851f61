using Inspecta.Imaging;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>Per-component mean and standard deviation of a teacher's dense descriptors over a set of images (thesis §5.2.2: μ and σ over D_train).</summary>
internal static class DescriptorStatistics
{
    public static (float[] Mean, float[] Std) Compute(PatchNetwork teacher, IReadOnlyList<ImageF> images)
    {
        var moments = new ChannelMoments();
        using var _ = no_grad();
        foreach (var img in images)
        {
            using var scope = NewDisposeScope();
            moments.Add(teacher.Dense(PaddedImages.Batch(img)));
        }
        var (m, variance) = moments.Result();
        var mean = m.Select(v => (float)v).ToArray();
        var std = variance.Select(v => v > 1e-12 ? (float)Math.Sqrt(v) : 1f).ToArray();
        return (mean, std);
    }
}
