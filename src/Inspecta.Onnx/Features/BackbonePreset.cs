namespace Inspecta.Features;

/// <summary>
/// A known backbone: the file it is cached under and the outputs the detectors use by default.
/// Presets resolve from the model cache (<see cref="ModelCache"/>); the built-in one (<see cref="BuiltIn"/>) is derived
/// into it on first use from a restored NuGet package (<see cref="BuiltInBackbone"/>), the others are put there by the user.
/// </summary>
/// <param name="Layers">Default feature outputs, shallow to deep (PaDiM uses all, PatchCore the last two).</param>
/// <param name="Source">Where the file comes from, shown when it is missing.</param>
public sealed record BackbonePreset(string Name, string FileName, IReadOnlyList<string> Layers, string Source)
{
    /// <summary>The preset every method that needs a backbone uses by default: the built-in ResNet-18.</summary>
    public const string DefaultName = BuiltInBackbone.PresetName;

    /// <summary>Derived by Inspecta itself, so it needs no download and no file from the user.</summary>
    public bool BuiltIn { get; init; }

    public static IReadOnlyList<BackbonePreset> All { get; } =
    [
        new(BuiltInBackbone.PresetName, BuiltInBackbone.FileName, ["layer1", "layer2", "layer3"], BuiltInBackbone.Description) { BuiltIn = true },
        new("resnet50v2_imagenet_l123", "resnet50v2_imagenet_l123.onnx", ["layer1", "layer2", "layer3"],
            "ResNet50-v2 (ONNX model zoo resnet50-v2-7) cut after stage 3; see docs/backbones.md"),
        new("squeezenet1_1_imagenet_features", "squeezenet1_1_imagenet_features.onnx", ["fire3", "fire5", "fire9"],
            "SqueezeNet 1.1 (ONNX model zoo) with fire3/fire5/fire9 and logits outputs; see docs/backbones.md"),
        new("wide_resnet50_2", "wide_resnet50_2.onnx", ["layer1", "layer2", "layer3"],
            "torchvision wide_resnet50_2 exported with layer1-3 outputs by the script in docs/backbones.md"),
    ];

    public static BackbonePreset? Find(string name) =>
        All.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                                || p.FileName.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The preset for a custom file name, so a file copied into the cache keeps its default layers.</summary>
    public static BackbonePreset? ForFile(string path) => Find(System.IO.Path.GetFileName(path));
}
