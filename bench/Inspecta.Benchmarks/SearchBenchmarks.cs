using BenchmarkDotNet.Attributes;
using Inspecta.Search;

namespace Inspecta.Benchmarks;

/// <summary>Exact kNN on PatchCore shapes: 784 queries (one 224×224 image) × bank × 1024 dims.</summary>
[MemoryDiagnoser]
public class SearchBenchmarks
{
    private ExactNearestNeighbours _index = null!;
    private float[] _queries = null!;
    private float[] _distances = null!;
    private int[] _indices = null!;

    [Params(1_640, 16_400)]
    public int Bank { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _index = new ExactNearestNeighbours(SearchBenchmark.SyntheticFeatures(rng, Bank, 1024), Bank, 1024);
        _queries = SearchBenchmark.SyntheticFeatures(rng, 784, 1024);
        _distances = new float[784 * 3];
        _indices = new int[784 * 3];
    }

    [Benchmark]
    public void PatchCoreImageSearch() => _index.Search(_queries, 784, 3, _distances, _indices);
}

/// <summary>Coreset selection at 10% of a bank of the given size (1024-d features).</summary>
public class CoresetBenchmarks
{
    private float[] _features = null!;

    [Params(16_384, 82_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup() => _features = SearchBenchmark.SyntheticFeatures(new Random(7), Count, 1024);

    [Benchmark]
    public int[] Select() => GreedyCoreset.Select(_features, Count, 1024, Count / 10, seed: 0);
}

/// <summary>Prints <see cref="SearchBenchmark.Run"/> as plain lines.</summary>
public static class SearchFigures
{
    public static void Print(bool quick)
    {
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
        SearchBenchmarkResult r = SearchBenchmark.Run(quick, log: Console.WriteLine);
        Console.WriteLine($"load after: {r.LoadAverageAfter}");
    }
}
