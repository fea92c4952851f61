using Inspecta.Detectors;
using Inspecta.Detectors.Registry;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>What <see cref="BenchRunner"/> runs and how it measures.</summary>
public sealed record BenchOptions
{
    /// <summary>Each run: a method with its complete options and the label its rows carry.</summary>
    public required IReadOnlyList<MethodConfig> Methods { get; init; }
    /// <summary>Untimed predictions before latencies are measured (JIT, ONNX Runtime allocations, caches).</summary>
    public int WarmupImages { get; init; } = 2;
    /// <summary>Batch sizes tried for throughput when a detector implements <see cref="IBatchPredictor"/>.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 2, 4, 8, 16];
    /// <summary>Images per batch-size trial (at least two batches): a subset keeps the sweep short.</summary>
    public int ThroughputImages { get; init; } = 16;
    /// <summary>Folder for the model files written to measure their size (a temp folder when null; files are deleted).</summary>
    public string? WorkDirectory { get; init; }
    /// <summary>Keep the model files in <see cref="WorkDirectory"/> instead of deleting them.</summary>
    public bool KeepModels { get; init; }
    /// <summary>Compute threads for methods that train a network (<see cref="FitContext.Threads"/>; null: the method's default, one per core).</summary>
    public int? Threads { get; init; }
}
