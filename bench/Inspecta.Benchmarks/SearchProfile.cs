using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;

namespace Inspecta.Benchmarks;

/// <summary>
/// `search-profile &lt;patchcore.inspecta&gt; &lt;bottle dir&gt; [images] [rounds]`: the nearest-neighbour search of a fitted
/// PatchCore model alone, on the real query rows of test images (backbone and embedding done once beforehand); wall
/// and CPU time per search, median and minimum.
/// </summary>
public static class SearchProfile
{
    public static void Print(string modelPath, string categoryDir, int images, int rounds)
    {
        using var model = TrainedModel.Load(modelPath);
        if (model.Detector is not Detectors.PatchCore.PatchCoreDetector { Bank: { } bank } patchCore)
            throw new InvalidOperationException($"{modelPath} is not a PatchCore model.");
        var queries = DatasetReader.Open(categoryDir).Categories[0].Test.Take(images).Select(s => patchCore.Embed(s)).ToArray();
        long built = Stopwatch.GetTimestamp();
        _ = new Search.ExactNearestNeighbours(bank.Features.ToArray(), bank.Count, bank.Dimension);
        Console.WriteLine($"index build (packing, basis, projected bank): {Stopwatch.GetElapsedTime(built).TotalMilliseconds:F0} ms");
        // The pruned pass must give exactly the full scan's neighbours on these real queries.
        var fullScan = new Search.ExactNearestNeighbours(bank.Features.ToArray(), bank.Count, bank.Dimension, Search.ExactNearestNeighbours.Kernel.Float, projection: 0);
        bool identical = true;
        foreach (var q in queries)
        {
            int n = q.Height * q.Width;
            var d = bank.PatchScores(q.Rows, n, out var nearest);
            var fd = new float[n];
            var fi = new int[n];
            fullScan.Search(q.Rows, n, 1, fd, fi);
            identical &= d.AsSpan().SequenceEqual(fd) && nearest.AsSpan().SequenceEqual(fi);
        }
        Console.WriteLine($"pruned pass ({bank.ProjectedDimensions} of {bank.Dimension} dimensions) vs full scan on {queries.Length} images: {(identical ? "identical" : "DIFFERENT")}");
        var wall = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
            foreach (var q in queries)
            {
                process.Refresh();
                TimeSpan cpu0 = process.TotalProcessorTime;
                long t0 = Stopwatch.GetTimestamp();
                bank.PatchScores(q.Rows, q.Height * q.Width, out _);
                wall.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            }
        Console.WriteLine($"search {queries[0].Height * queries[0].Width} queries × bank {bank.Count}×{bank.Dimension}, {wall.Count} searches: " +
            $"wall median {PredictProfile.Median(wall):F1} ms (min {wall.Min():F1}), CPU median {PredictProfile.Median(cpu):F1} ms (min {cpu.Min():F1}); load {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
