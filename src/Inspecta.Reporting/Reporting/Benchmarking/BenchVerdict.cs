namespace Inspecta.Reporting.Benchmarking;

/// <summary>One test image's verdict in a bench run, by the model's stored <see cref="Inspecta.Detectors.VerdictRule"/>.</summary>
public sealed record BenchVerdict(string Label, string Id, bool Good, bool Defective, int LargestRegion);
