using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.Registry;
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

    public static MethodDescriptor Descriptor { get; } = new MeanImageMethod();
    public static MethodConfig Config => MethodConfig.Default(Descriptor);

    public void Dispose() { }

    public void Fit(FitContext context)
    {
        var (good, progress) = (context.Train, context.Progress);
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

/// <summary>Options of the test-only methods: the seed only.</summary>
internal sealed record TestMethodOptions : MethodOptions;

internal sealed class MeanImageMethod : MethodDescriptor<TestMethodOptions>
{
    public override string Id => MeanImageDetector.Id;
    public override string Summary => "test-only mean image difference";
    public override InputKind Input => InputKind.Image;
    protected override IAnomalyDetector Create(TestMethodOptions options) => new MeanImageDetector();
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => MeanImageDetector.Load(reader);
}

/// <summary>A test-only method that fails when it is created.</summary>
internal sealed class FailingMethod(string id, Func<Exception> error) : MethodDescriptor<TestMethodOptions>
{
    public override string Id => id;
    public override string Summary => "test-only: fails when created";
    public override InputKind Input => InputKind.Image;
    protected override IAnomalyDetector Create(TestMethodOptions options) => throw error();
    protected override IAnomalyDetector LoadDetector(ModelReader reader) => throw error();
}
