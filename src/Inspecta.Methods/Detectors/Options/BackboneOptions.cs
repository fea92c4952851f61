using Inspecta.Features;

namespace Inspecta.Detectors.Options;

/// <summary>
/// Options of every method that reads CNN features: backbone, layers and input size. The detector records their effect
/// itself (backbone identity + SHA-256, layers, preprocessing), so they are not written to the manifest as plain values.
/// </summary>
public abstract record BackboneOptions : MethodOptions
{
    [Option("backbone", "Backbone ONNX path or preset name (default: the built-in resnet18, an ImageNet ResNet-18 that needs no download; see `inspecta models list`).", Persist = false)]
    public string Backbone { get; init; } = BackbonePreset.DefaultName;

    [Option("layers", "Comma-separated backbone outputs, e.g. layer2,layer3.", Persist = false, DefaultText = "the method's choice among the backbone's layers")]
    public IReadOnlyList<string>? Layers { get; init; }

    [Option("image-size", "Square network input size in pixels.", Persist = false, Min = 16, Max = 4096)]
    public virtual int? ImageSize { get; init; } = 224;

    [Option("center-crop", "Resize to 8/7 of --image-size and center-crop (the papers' 256 → 224 protocol).", Persist = false)]
    public bool CenterCrop { get; init; }

    /// <summary>The preprocessing these options describe (at <paramref name="size"/> when the image size is a rule).</summary>
    public Preprocessing Preprocessing(int? size = null) => Features.Preprocessing.For(size ?? ImageSize ?? 224, CenterCrop);
}
