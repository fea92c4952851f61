using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Diagnostics;

namespace Inspecta.Benchmarks;

/// <summary>
/// `predict-profile &lt;model.inspecta&gt; &lt;bottle dir&gt; [images] [rounds]`: end-to-end single-image predictions
/// (decode included) of a fitted model, several rounds over the same test images; per stage the median and the
/// minimum over all predictions (the minimum is what an idle machine gives when the CPU is shared).
/// </summary>
public static class PredictProfile
{
    public static void Print(string modelPath, string categoryDir, int images, int rounds)
    {
        using var model = TrainedModel.Load(modelPath);
        var test = DatasetReader.Open(categoryDir).Categories[0].Test.Take(images).ToArray();
        for (int i = 0; i < Math.Min(3, test.Length); i++) model.Detector.Predict(test[i]);   // warm-up
        var total = new List<double>();
        var perImage = new List<IReadOnlyList<(string Stage, double Milliseconds)>>();
        using var stages = StageTimer.Collect();
        for (int r = 0; r < rounds; r++)
            foreach (var s in test)
            {
                long t0 = Stopwatch.GetTimestamp();
                model.Detector.Predict(s);
                total.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                perImage.Add(stages.Take());
            }
        var split = StageSplit.FromImages(perImage);
        Console.WriteLine($"{model.Detector.Method} on {total.Count} predictions ({test.Length} images × {rounds}): " +
                          $"median {Median(total):F1} ms, min {total.Min():F1} ms");
        Console.WriteLine($"  median per stage: {split}");
        if (model.Detector is Detectors.PatchCore.PatchCoreDetector { Bank: { } bank })
            Console.WriteLine($"  bank {bank.Count}×{bank.Dimension}");
        Console.WriteLine("  min per stage:    " + string.Join(" · ", split.Stages.Select(s =>
            $"{s.Stage} {perImage.Min(i => i.Where(x => x.Stage == s.Stage).Sum(x => x.Milliseconds)):F1}")));
    }

    internal static double Median(List<double> v)
    {
        var a = v.Order().ToArray();
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }
}
