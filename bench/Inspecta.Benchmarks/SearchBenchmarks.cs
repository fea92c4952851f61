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
    /// <summary>
    /// Real PatchCore features: the bottle train split through the backbone and PatchCore's embedding
    /// (layer2 + layer3, 1024-d, 28×28 per image); kNN of the last image's 784 patches against every 10th / 100th
    /// earlier patch (10% / 1% banks), then the 10% coreset of all patches.
    /// </summary>
    public static void PrintReal(string bottleDir, string backbone)
    {
        var train = Inspecta.Datasets.DatasetReader.Open(bottleDir).Categories[0].Train;
        // Layers as PatchCore picks them by default: the last two of the backbone's feature outputs.
        using var source = Inspecta.Features.FeatureSource.Open(backbone, Inspecta.Features.Preprocessing.For(224, false), null,
            all => all.TakeLast(2).ToArray());
        var embedder = new Inspecta.Detectors.Components.PatchEmbedder(1024, 1024);
        var rows = new List<float[]>();
        source.ExtractAll(train, (_, f) => rows.Add(embedder.Embed(f.Maps).Rows));
        float[] all = rows.SelectMany(r => r).ToArray();
        int n = all.Length / 1024, queriesStart = n - 784;
        Console.WriteLine($"bottle: {train.Count} train images, {n} patches; load {File.ReadAllText("/proc/loadavg").Trim()}");
        float[] queries = all.AsSpan(queriesStart * 1024, 784 * 1024).ToArray();
        foreach (int step in new[] { 10, 100 })
        {
            int count = (queriesStart + step - 1) / step;
            var bank = new float[count * 1024];
            for (int j = 0; j < count; j++) all.AsSpan(j * step * 1024, 1024).CopyTo(bank.AsSpan(j * 1024));
            var index = new ExactNearestNeighbours(bank, count, 1024);
            var d = new float[784 * 3];
            var idx = new int[784 * 3];
            index.Search(queries, 784, 3, d, idx);
            double best = double.MaxValue, bestCpu = double.MaxValue;
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            for (int r = 0; r < 5; r++)
            {
                process.Refresh();
                TimeSpan cpu0 = process.TotalProcessorTime;
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                index.Search(queries, 784, 3, d, idx);
                best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds);
                process.Refresh();
                bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu0).TotalSeconds);
            }
            double flop = 2.0 * 784 * count * 1024;
            Console.WriteLine($"real kNN 784x{count}x1024 k=3: {best * 1e3:F1} ms wall, {flop / best / 1e9:F1} GFLOP/s wall, " +
                $"CPU-equivalent {flop / bestCpu / 1e9 * Environment.ProcessorCount:F1} GFLOP/s");
        }
        foreach (int size in new[] { n / 4, n / 2, n })
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            TimeSpan cpu0 = process.TotalProcessorTime;
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            GreedyCoreset.Select(all, size, 1024, size / 10, seed: 0);
            double wall = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
            process.Refresh();
            Console.WriteLine($"real coreset {size}x1024 -> {size / 10}: {wall:F2} s wall, {(process.TotalProcessorTime - cpu0).TotalSeconds:F2} CPU-s");
        }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    public static void Print(bool quick)
    {
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
        SearchBenchmarkResult r = SearchBenchmark.Run(quick, log: Console.WriteLine);
        Console.WriteLine($"load after: {r.LoadAverageAfter}");
    }
}
