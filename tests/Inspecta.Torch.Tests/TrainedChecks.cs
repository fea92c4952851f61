using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Tests.Infrastructure;
using Inspecta.Torch.Training;

namespace Inspecta.Torch.Tests;

/// <summary>The two promises every trained method makes, checked the same way for each.</summary>
internal static class TrainedChecks
{
    /// <summary>
    /// Saves <paramref name="fitted"/> to <paramref name="path"/>, reloads it and asserts that the reloaded model's maps
    /// and scores equal the fitted detector's bit for bit; returns the fitted detector's predictions for method-specific
    /// checks.
    /// </summary>
    public static IReadOnlyList<Prediction> ReloadPredictsBitIdentically(IAnomalyDetector fitted, IEnumerable<Sample> samples, string path)
    {
        new TrainedModel(fitted, null, null).Save(path);
        using var model = TrainedModel.Load(path);
        var predictions = new List<Prediction>();
        foreach (var s in samples)
        {
            var p = fitted.Predict(s);
            var q = model.Detector.Predict(s);
            Assert.Equal(p.Map!.Data, q.Map!.Data);
            Assert.Equal(p.Score, q.Score);
            predictions.Add(p);
        }
        return predictions;
    }

    /// <summary>
    /// A fit of two epochs equals a fit of one epoch resumed from its checkpoint to two, in the weights under
    /// <paramref name="prefixes"/>. <paramref name="create"/> builds a detector for (epochs, resume).
    /// </summary>
    public static void ResumedFitEqualsUninterrupted(Func<int, bool, IAnomalyDetector> create, IReadOnlyList<Sample> train, params string[] prefixes)
    {
        using var dir = new TempDir();
        string ckpt = dir["m.inspecta.checkpoint"];
        using var whole = create(2, false);
        whole.Fit(TinyFit.Context(train));
        using (var first = create(1, false)) first.Fit(TinyFit.Context(train, ckpt));
        using var resumed = create(2, true);
        resumed.Fit(TinyFit.Context(train, ckpt));
        Assert.Equal(TrainedWeights.Of(whole, prefixes), TrainedWeights.Of(resumed, prefixes));
    }
}
