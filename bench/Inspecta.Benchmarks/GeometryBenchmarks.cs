using System.Diagnostics;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using Inspecta.Geometry;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.Spatial;

namespace Inspecta.Benchmarks;

/// <summary>Shared synthetic scan: points on a smooth wavy sheet over the unit square (a realistic 2-manifold density).</summary>
public static class GeometryData
{
    public const float NormalRadius = 0.0105f;   // ≈ 35 neighbours at 100 000 points
    public const float FeatureRadius = 0.0125f;  // ≈ 49 neighbours

    public static PointCloud Surface(int n, int seed = 1)
    {
        var rnd = new Random(seed);
        var p = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            float x = (float)rnd.NextDouble(), y = (float)rnd.NextDouble();
            p[3 * i] = x; p[3 * i + 1] = y; p[3 * i + 2] = 0.1f * MathF.Sin(6 * x) * MathF.Cos(4 * y);
        }
        return new PointCloud(p);
    }
}

/// <summary>KD-tree build and k-NN (k = 16) for 100 000 points queried at every point.</summary>
[MemoryDiagnoser]
public class KdTreeBenchmarks
{
    private PointCloud _cloud = null!;
    private KdTree _tree = null!;
    private int[] _idx = null!;
    private float[] _d2 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cloud = GeometryData.Surface(100_000);
        _tree = new KdTree(_cloud.Positions);
        _idx = new int[100_000 * 16];
        _d2 = new float[100_000 * 16];
    }

    [Benchmark]
    public KdTree Build() => new(_cloud.Positions);

    [Benchmark(OperationsPerInvoke = 100_000)]
    public void Knn16() => _tree.KnnBatch(_cloud.Positions, 16, _idx, _d2);
}

/// <summary>PCA normals + FPFH for 100 000 points (normal radius ≈ 35 neighbours, feature radius ≈ 49).</summary>
[MemoryDiagnoser]
public class FpfhBenchmarks
{
    private PointCloud _cloud = null!;

    [GlobalSetup]
    public void Setup() => _cloud = GeometryData.Surface(100_000);

    [Benchmark]
    public float[] NormalsAndFpfh() => FpfhExtractor.Run(_cloud, new FpfhSettings
    {
        FeatureRadius = GeometryData.FeatureRadius,
        NormalRadius = GeometryData.NormalRadius,
        Viewpoint = new Vector3(0.5f, 0.5f, 10f),
    }).Features;
}

/// <summary>The geometry figures for docs/benchmarks.md as plain lines (best of several runs), with the machine load.</summary>
public static class GeometryFigures
{
    public static void Print(bool quick)
    {
        int reps = quick ? 2 : 5;
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
        var cloud = GeometryData.Surface(100_000);
        // Wall time is meaningless on a machine shared with other builds, so the process CPU time is reported too:
        // on an idle machine wall ≈ CPU / cores for these parallel loops.
        var proc = Process.GetCurrentProcess();
        double lastCpu = 0;
        double Best(Action a)
        {
            a(); // warm-up (JIT)
            double best = double.MaxValue; lastCpu = double.MaxValue;
            for (int r = 0; r < reps; r++)
            {
                proc.Refresh();
                var cpu0 = proc.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                a();
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                proc.Refresh();
                lastCpu = Math.Min(lastCpu, (proc.TotalProcessorTime - cpu0).TotalSeconds);
            }
            return best;
        }
        KdTree tree = null!;
        double build = Best(() => tree = new KdTree(cloud.Positions));
        Console.WriteLine($"kd-tree build, 100 000 points: {build * 1e3:F1} ms wall, {lastCpu * 1e3:F1} ms CPU");
        var idx = new int[100_000 * 16]; var d2 = new float[100_000 * 16];
        double knn = Best(() => tree.KnnBatch(cloud.Positions, 16, idx, d2));
        Console.WriteLine($"kNN k=16, 100 000 queries (KnnBatch, all cores): {100_000 / knn / 1e6:F2} M queries/s wall ({knn * 1e3:F1} ms); CPU {lastCpu * 1e3:F1} ms = {100_000 / lastCpu / 1e6:F2} M queries per CPU-second");

        var normalGraph = tree.RadiusBatch(cloud.Positions, GeometryData.NormalRadius);
        var featureGraph = tree.RadiusBatch(cloud.Positions, GeometryData.FeatureRadius);
        Console.WriteLine($"neighbours (self included): normals {normalGraph.MeanCount:F1} at r={GeometryData.NormalRadius}, FPFH {featureGraph.MeanCount:F1} at r={GeometryData.FeatureRadius}");
        var settings = new FpfhSettings { FeatureRadius = GeometryData.FeatureRadius, NormalRadius = GeometryData.NormalRadius, Viewpoint = new Vector3(0.5f, 0.5f, 10f) };
        double total = Best(() => FpfhExtractor.Run(cloud, settings));
        Console.WriteLine($"normals + FPFH, 100 000 points (tree, searches, PCA, SPFH, FPFH): {total:F2} s wall, {lastCpu:F2} s CPU");
        var normals = NormalEstimation.Estimate(cloud.Positions, normalGraph, new Vector3(0.5f, 0.5f, 10f));
        double fpfhOnly = Best(() => Fpfh.Compute(cloud.Positions, normals, featureGraph));
        Console.WriteLine($"  of which SPFH + FPFH given the neighbour lists: {fpfhOnly:F2} s wall, {lastCpu:F2} s CPU");
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
