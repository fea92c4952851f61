using Inspecta.Detectors.Components;
using Inspecta.Detectors.Options;
using Inspecta.Features;

namespace Inspecta.Detectors.Btf;

/// <summary>Options of <c>--method btf-raw</c> and <c>btf-fpfh</c>.</summary>
public record BtfOptions : MethodOptions
{
    [Option("image-size", "Square size the scan is resampled to before patching.", Persist = false, Min = 2 * BtfGeometry.PatchStride, Max = 4096)]
    public int ImageSize { get; init; } = BtfDetector.DefaultInputSize;

    [Option("coreset", "Fraction of patches the greedy coreset keeps, in (0, 1].", Key = "coreset_ratio", Above = 0, Max = 1)]
    public double CoresetRatio { get; init; } = MemoryBankDefaults.CoresetRatio;

    [Option("num-neighbours", "Bank neighbours that re-weight the image score (1 = plain maximum).", Min = 1)]
    public int NumNeighbours { get; init; } = MemoryBankDefaults.NumNeighbours;
}

/// <summary>Options of <c>--method btf-fpfh-rgb</c>: BTF's plus the backbone of the RGB features.</summary>
public sealed record BtfRgbOptions : BtfOptions
{
    [Option("backbone", "Backbone ONNX path or preset name for the RGB features.", Persist = false)]
    public string Backbone { get; init; } = BackbonePreset.DefaultName;

    [Option("layers", "Comma-separated backbone outputs for the RGB features.", Persist = false, DefaultText = "the last two of the backbone's layers")]
    public IReadOnlyList<string>? Layers { get; init; }
}
