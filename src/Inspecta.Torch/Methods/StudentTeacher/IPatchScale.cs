using Inspecta.Persistence;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>One receptive field of a patch-teacher method, fitted: its normalised map, its weights in the model file.</summary>
internal interface IPatchScale : IDisposable
{
    long ParameterCount { get; }
    /// <summary>The scale's validation-normalised N×1×H×W map of a normalised batch.</summary>
    Tensor Score(Tensor x);
    void Save(ModelWriter writer);
}
