namespace Inspecta.Detectors.Registry;

/// <summary>What a method needs beyond its input, so tools can say so before fitting (and the demo can choose).</summary>
[Flags]
public enum MethodNeeds
{
    None = 0,
    /// <summary>A pretrained CNN backbone (ONNX).</summary>
    Backbone = 1,
    /// <summary>The training engine (TorchSharp/libtorch): the method trains a network.</summary>
    TrainingEngine = 2,
}
