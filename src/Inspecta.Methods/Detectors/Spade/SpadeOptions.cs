using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.Spade;

/// <summary>Options of <c>--method spade</c>.</summary>
public sealed record SpadeOptions : BackboneOptions
{
    [Option("top-images", "Nearest training images K whose feature maps are searched for each test image.", Min = 1)]
    public int TopImages { get; init; } = SpadeDetector.DefaultTopImages;
}
