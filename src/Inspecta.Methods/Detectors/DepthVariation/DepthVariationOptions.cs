using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.DepthVariation;

/// <summary>Options of <c>--method depth-vm</c>: none beyond the seed (the MVTec 3D-AD baseline has no parameters).</summary>
public sealed record DepthVariationOptions : MethodOptions;
