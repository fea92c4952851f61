using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;

namespace Inspecta.Tests.Reporting.Benchmarking;

/// <summary>
/// A tiny, backbone-free, test-only detector: the map is the absolute difference to the mean good image
/// (averaged over channels). Enough to exercise the bench pipeline end to end with known behaviour.
/// </summary>
internal sealed class MeanImageDetector : IAnomalyDetector, IBatchPredictor
{
    public const string Id = "test-mean";
    private ImageF? _mean;

    public string Method => Id;

    public static DetectorCatalog.Entry Entry { get; } = new(Id, "test-only mean image difference", false, _ => new MeanImageDetector(), Load);

    public void Fit(IReadOnlyList<Sample> good, IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        ImageF? sum = null;
        for (int i = 0; i < good.Count; i++)
        {
            var img = good[i].LoadImage();
            sum ??= new ImageF(img.Channels, img.Height, img.Width);
            for (int k = 0; k < img.Data.Length; k++) sum.Data[k] += img.Data[k];
            progress?.Report(new ProgressUpdate("mean", i + 1, good.Count));
        }
        for (int k = 0; k < sum!.Data.Length; k++) sum.Data[k] /= good.Count;
        _mean = sum;
    }

    public Prediction Predict(Sample sample)
    {
        var mean = _mean ?? throw new InvalidOperationException("not fitted");
        var img = sample.LoadImage();
        var map = new AnomalyMap(img.Height, img.Width);
        for (int c = 0; c < img.Channels; c++)
        {
            var a = img.Plane(c); var m = mean.Plane(c);
            for (int i = 0; i < map.Data.Length; i++) map.Data[i] += MathF.Abs(a[i] - m[i]) / img.Channels;
        }
        return new Prediction(map.Max(), map);
    }

    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<Sample> samples) => [.. samples.Select(Predict)];

    public void Save(ModelWriter writer)
    {
        var mean = _mean ?? throw new InvalidOperationException("not fitted");
        writer.AddArray("mean", mean.Data, mean.Channels, mean.Height, mean.Width);
    }

    public static IAnomalyDetector Load(ModelReader reader)
    {
        var data = reader.ReadFloats("mean", out int[] shape);
        return new MeanImageDetector { _mean = new ImageF(shape[0], shape[1], shape[2], data) };
    }
}
