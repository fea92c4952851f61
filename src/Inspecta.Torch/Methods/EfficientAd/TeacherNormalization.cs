using Inspecta.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>The teacher's per-channel mean and standard deviation over the training images; its descriptors are standardised with them.</summary>
internal sealed class TeacherNormalization(Tensor mean, Tensor std) : IDisposable
{
    public Tensor Apply(Tensor teacherOutput) => (teacherOutput - mean) / std;

    public void WriteTo(ModelWriter writer)
    {
        writer.AddArray("teacher_mean", mean.data<float>().ToArray(), (int)mean.shape[1]);
        writer.AddArray("teacher_std", std.data<float>().ToArray(), (int)std.shape[1]);
    }

    public static TeacherNormalization Read(ModelReader reader, int channels)
    {
        var m = reader.ReadFloats("teacher_mean");
        var s = reader.ReadFloats("teacher_std");
        if (m.Length != channels || s.Length != channels)
            throw reader.Error($"the teacher's normalisation has {m.Length} and {s.Length} channels, the teacher {channels}.");
        if (s.Any(v => !(v > 0))) throw reader.Error("the teacher's standard deviations must be positive.");
        return new TeacherNormalization(tensor(m, [1, channels, 1, 1]), tensor(s, [1, channels, 1, 1]));
    }

    public void Dispose()
    {
        mean.Dispose();
        std.Dispose();
    }
}
