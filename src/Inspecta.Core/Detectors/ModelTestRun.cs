using System.Diagnostics;
using Inspecta.Datasets;
using Inspecta.Diagnostics;
using Inspecta.Evaluation;
using Inspecta.Imaging;

namespace Inspecta.Detectors;

/// <summary>
/// Runs a fitted model over a category's test set and turns the predictions into an <see cref="EvaluationInput"/>
/// (maps resized to the ground truth when needed), timing each prediction. <c>inspecta eval --model</c> uses it.
/// </summary>
public static class ModelTestRun
{
    /// <param name="Stages">Per-image time per stage (decode, preprocess, backbone, …, write) as the detector reports it.</param>
    public sealed record Result(EvaluationInput Input, IReadOnlyList<double> PredictMilliseconds, StageSplit Stages)
    {
        public double MedianMs => Percentile(0.5);
        public double P95Ms => Percentile(0.95);

        private double Percentile(double p)
        {
            if (PredictMilliseconds.Count == 0) return double.NaN;
            var sorted = PredictMilliseconds.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        }
    }

    /// <param name="saveMapsDir">When set, also writes every map as <c>&lt;dir&gt;/&lt;category&gt;/test/&lt;label&gt;/&lt;id&gt;.tiff</c>.</param>
    public static Result Run(TrainedModel model, Category category, IReadOnlyList<DefectSaturation>? locoDefects = null,
        string? saveMapsDir = null, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        var test = category.Test;
        if (test.Count == 0) throw new InspectaUserException($"Category '{category.Name}' has no test images.");
        var images = new EvaluatedImage[test.Count];
        var times = new double[test.Count];
        var split = new IReadOnlyList<(string, double)>[test.Count];
        using var stages = StageTimer.Collect();
        int resized = 0, ownScores = 0;
        // One image at a time: the timings are per-image latencies (each prediction already uses every core).
        for (int i = 0; i < test.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var s = test[i];
            long t0 = Stopwatch.GetTimestamp();
            var p = model.Detector.Predict(s);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var image = Evaluated(model.Detector.Method, s, p, locoDefects is not null, out bool wasResized, out bool ownScore);
            if (wasResized) resized++;
            if (ownScore) ownScores++;
            var map = image.Map;
            if (saveMapsDir is not null)
            {
                using var _ = StageTimer.Measure("write");
                string path = MapFolderSource.MapPath(saveMapsDir, category.Name, s);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                ImageIO.WriteTiff(path, map);
            }
            split[i] = stages.Take();
            images[i] = image;
            progress?.Report(new ProgressUpdate("predict", i + 1, test.Count));
        }
        var notes = Notes(model.Detector.Method, ownScores, resized, test.Count);
        return new Result(new EvaluationInput(category.Name, images, locoDefects) { Notes = notes }, times, StageSplit.FromImages(split));
    }

    /// <summary>One test sample's prediction as the evaluator takes it: the map (resized bilinearly to the ground truth when
    /// their sizes differ), the ground truth and, for LOCO, its channels. <c>cluster eval</c> assembles predictions made on
    /// other machines through this, so its metrics equal <c>eval</c>'s.</summary>
    public static EvaluatedImage Evaluated(string method, Sample s, Prediction p, bool loco, out bool resized, out bool ownScore)
    {
        var map = p.Map ?? throw new InspectaUserException($"Method {method} produces no anomaly map; eval needs one.");
        ownScore = p.Score != map.Max();
        var gt = s.LoadGroundTruth();
        resized = map.Height != gt.Height || map.Width != gt.Width;
        if (resized) map = Resize.Bilinear(map, gt.Height, gt.Width);
        var channels = loco ? s.LoadGroundTruthChannels() : null;
        return new EvaluatedImage(s.Label, s.Id, p.Score, map, gt) { Channels = channels is { Count: > 0 } ? channels : null };
    }

    /// <summary>What the evaluation input says about own scores and resized maps.</summary>
    public static List<string> Notes(string method, int ownScores, int resized, int count)
    {
        var notes = new List<string>();
        if (ownScores > 0) notes.Add($"image scores are {method}'s own scores: for {ownScores} of {count} images not the map maximum.");
        if (resized > 0) notes.Add($"{resized} of {count} maps differed in size from their ground truth; resized bilinearly to it.");
        return notes;
    }
}
