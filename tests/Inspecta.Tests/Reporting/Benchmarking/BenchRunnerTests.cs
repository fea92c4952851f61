using Inspecta.Detectors.Registry;
using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Reporting.Benchmarking;

namespace Inspecta.Tests.Reporting.Benchmarking;

public class BenchRunnerTests
{
    /// <summary>Noisy 32×32 grey-ish images; defective ones carry a bright 6×6 square with its mask.</summary>
    internal static BenchCategory TinyCategory(string name = "tiny", int train = 8, int good = 4, int bad = 4, int seed = 1)
    {
        var rng = new Random(seed);
        Sample Make(string id, Split split, string label)
        {
            var img = new ImageF(3, 32, 32);
            for (int i = 0; i < img.Data.Length; i++) img.Data[i] = 0.4f + 0.05f * (float)rng.NextDouble();
            Mask? gt = null;
            if (label != Sample.GoodLabel)
            {
                gt = new Mask(32, 32);
                int y0 = 4 + rng.Next(20), x0 = 4 + rng.Next(20);
                for (int y = y0; y < y0 + 6; y++)
                    for (int x = x0; x < x0 + 6; x++)
                    {
                        gt[y, x] = 1;
                        for (int c = 0; c < 3; c++) img[c, y, x] = 0.9f;
                    }
            }
            return new Sample(id, "", split, label) { Image = img, GroundTruth = gt };
        }
        var trainSet = Enumerable.Range(0, train).Select(i => Make($"{i:D3}", Split.Train, "good")).ToArray();
        var validation = Enumerable.Range(0, 2).Select(i => Make($"v{i:D2}", Split.Validation, "good")).ToArray();
        var test = Enumerable.Range(0, good).Select(i => Make($"{i:D3}", Split.Test, "good"))
            .Concat(Enumerable.Range(0, bad).Select(i => Make($"{i:D3}", Split.Test, "spot"))).ToArray();
        return new BenchCategory(name, trainSet, validation, test);
    }

    private static BenchOptions Options(params MethodConfig[] methods) => new()
    {
        Methods = methods,
        BatchSizes = [1, 2, 4],
        ThroughputImages = 8,
    };

    [Fact]
    public void Bench_FitsEvaluatesAndMeasures_EveryMethodAndCategory()
    {
        var cats = new[] { TinyCategory("a", seed: 1), TinyCategory("b", seed: 2) };
        var report = BenchRunner.Run(cats, Options(MeanImageDetector.Config), "inspecta bench (test)");

        Assert.Equal(2, report.Rows.Count);
        foreach (var row in report.Rows)
        {
            Assert.Null(row.Error);
            Assert.Equal(MeanImageDetector.Id, row.Method);
            // A bright square on flat noise: the mean-difference map separates it perfectly.
            Assert.Equal(1.0, row.ImageAuroc, 6);
            Assert.InRange(row.PixelAuroc, 0.99, 1.0);
            Assert.InRange(row.AuPro30, 0.9, 1.0);
            Assert.InRange(row.AuPro05, 0.8, 1.0);
            Assert.Equal(8, row.Latency.Count);
            Assert.True(row.Latency.Median > 0 && row.Latency.P95 >= row.Latency.Median);
            Assert.True(row.ThroughputImagesPerSecond > 0);
            Assert.Contains(row.BestBatchSize, new[] { 1, 2, 4 });
            // The model holds the 3×32×32 float mean: at least 12 KiB.
            Assert.InRange(row.ModelMegabytes, 12288 / (1024.0 * 1024), 1);
            Assert.True(row.PeakRssMegabytes > 10);
            Assert.True(row.FitSeconds >= 0);
        }
        Assert.Equal(["a", "b"], report.Rows.Select(r => r.Category));
        Assert.Equal(Environment.ProcessorCount, report.Machine.LogicalCores);
        Assert.False(string.IsNullOrWhiteSpace(report.Machine.CpuModel));
        Assert.StartsWith("1.", report.Machine.OnnxRuntime);

        string md = report.ToMarkdown();
        Assert.Contains("| a | test-mean | 1.000 |", md);
        Assert.Contains("inspecta bench (test)", md);
        var json = report.ToJson();
        Assert.Equal(2, json["rows"]!.AsArray().Count);
        Assert.Equal(1.0, json["rows"]![0]!["image_auroc"]!.GetValue<double>(), 6);
        Assert.NotNull(json["machine"]!["cpu"]);
    }

    [Fact]
    public void Bench_TwoRunsWithOneLabel_IsAUserErrorBeforeAnyWork()
    {
        var ex = Assert.Throws<InspectaUserException>(() => BenchRunner.Run([TinyCategory()], Options(MeanImageDetector.Config, MeanImageDetector.Config), "x"));
        Assert.Contains(MeanImageDetector.Id, ex.Message);
    }

    [Fact]
    public void Bench_RunsACatalogMethod_ThroughTheSharedTrainer()
    {
        var report = BenchRunner.Run([TinyCategory("tiny", train: 10)], new BenchOptions { Methods = [MethodConfig.Default(MethodRegistry.Default.Get("variation"))] }, "inspecta bench --methods variation");
        var row = Assert.Single(report.Rows);
        Assert.True(row.Error is null, row.Error);
        Assert.Equal("variation", row.Method);
        Assert.Null(row.Backbone);
        // Flat noise with a bright square: a per-pixel variation model finds every defect.
        Assert.True(row.ImageAuroc > 0.9, $"image AUROC {row.ImageAuroc}");
        Assert.True(row.PixelAuroc > 0.9, $"pixel AUROC {row.PixelAuroc}");
        Assert.Equal(1, row.BestBatchSize);
        Assert.Equal(8, row.Latency.Count);
        Assert.True(row.ModelMegabytes > 0);
    }
}
