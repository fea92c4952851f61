using Inspecta.Detectors.Options;

namespace Inspecta.Detectors.Padim;

/// <summary>Options of <c>--method padim</c>.</summary>
public sealed record PadimOptions : BackboneOptions
{
    [Option("channels", "Random channel subset size d.", Min = 1, DefaultText = "100 for ResNet-18-like widths, 550 for 50-layer nets", Persist = false)]
    public int? FeatureChannels { get; init; }

    [Option("max-memory", "Refuse to fit when the estimated memory exceeds this, e.g. 8GB or 512MB.", Format = OptionFormat.Bytes, Persist = false, Min = 1, DefaultText = "8GB")]
    public long MaxMemoryBytes { get; init; } = PadimDetector.DefaultMaxMemoryBytes;
}
