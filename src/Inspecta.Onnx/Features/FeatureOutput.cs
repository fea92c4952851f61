namespace Inspecta.Features;

/// <summary>A named feature output of a backbone, with the stride and channel count found by a probe run.</summary>
/// <param name="Stride">Input pixels per feature cell (input size / output size), e.g. 8 for ResNet layer2.</param>
public sealed record FeatureOutput(string Name, int Stride, int Channels);
