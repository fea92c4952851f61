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
        int d = teacher.Layout.DescriptorDim;
        var sum = new double[d];
        var squares = new double[d];
        long count = 0;
        using var _ = no_grad();
        foreach (var img in images)
        {
            using var scope = NewDisposeScope();
            var y = teacher.Dense(PaddedImages.Batch(img)).to(ScalarType.Float64);
            var s = y.sum([0, 2, 3]).data<double>().ToArray();
            var q = y.Squared().sum([0, 2, 3]).data<double>().ToArray();
            for (int k = 0; k < d; k++) { sum[k] += s[k]; squares[k] += q[k]; }
            count += y.shape[0] * y.shape[2] * y.shape[3];
        }
        var mean = new float[d];
        var std = new float[d];
        for (int k = 0; k < d; k++)
        {
            double m = sum[k] / count, v = Math.Max(0, squares[k] / count - m * m);
            mean[k] = (float)m;
            std[k] = v > 1e-12 ? (float)Math.Sqrt(v) : 1f;
        }
        return (mean, std);
    }
}
