using Inspecta.Datasets;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>One category to benchmark on: good training images, good validation images for threshold
/// calibration (may be empty), and the labelled test set.</summary>
public sealed record BenchCategory(string Name, IReadOnlyList<Sample> Train, IReadOnlyList<Sample> Validation, IReadOnlyList<Sample> Test);
