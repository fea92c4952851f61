using Inspecta.Detectors.Options;
using Inspecta.Features;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Methods.Distillation;

/// <summary>
/// Options of the methods that distil a pretrained ResNet-18 teacher (the built-in backbone) into a trained network:
/// the backbone and the working resolution. The teacher's identity is recorded by SHA-256, like every backbone method's.
/// </summary>
public abstract record TeacherOptions : TrainedMethodOptions
{
    [Option("backbone", "The teacher: the built-in resnet18 (default) or a file with its exact layout (an ONNX ResNet-18 derived by Inspecta).", Persist = false)]
    public string Backbone { get; init; } = BackbonePreset.DefaultName;

    [Option("image-size", "Working resolution: every image is converted to RGB and zoomed to this square; a multiple of 16 (the teacher's layer3 stride; 32 for reverse-distillation; 32 and at least 64 for efficientad).", Min = 32, Max = 2048)]
    public int ImageSize { get; init; } = 256;

    /// <summary>The method's id, for messages.</summary>
    internal abstract string MethodId { get; }

    public override void Validate()
    {
        // The built-in backbone's graph (CNTK padding) is only consistent when every stage halves an even size.
        if (ImageSize % 16 != 0)
            throw new InspectaUserException($"{MethodId}: --image-size must be a multiple of 16 (the stride of the teacher's layer3), got {ImageSize}.");
    }
}
