using Inspecta.Detectors;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors;

/// <summary>Batched prediction (one ONNX run, one search) must give exactly the per-sample results.</summary>
public class BatchPredictTests
{
    private static string Squeeze => Path.Combine(SharedData.ModelsDir, "squeezenet1_1_imagenet_features.onnx");

    [SharedTheory("models", "squeezenet1_1_imagenet_features.onnx")]
    [InlineData("patchcore")]
    [InlineData("padim")]
    [InlineData("spade")]
    public void PredictBatchIsBitIdenticalToPredict(string method)
    {
        var train = PadimFormTests.Synthetic(6, 21, 64);
        var test = PadimFormTests.Synthetic(3, 22, 64);
        var detector = DetectorCatalog.Get(method).Create(new FitOptions
        {
            Backbone = Squeeze, ImageSize = 64, Layers = ["fire3", "fire5"], CoresetRatio = 0.3, FeatureChannels = 24, TopImages = 3,
        });
        try
        {
            detector.Fit(train);
            var batcher = Assert.IsAssignableFrom<IBatchPredictor>(detector);
            var batch = batcher.PredictBatch(test);
            Assert.Equal(test.Length, batch.Count);
            for (int i = 0; i < test.Length; i++)
            {
                var single = detector.Predict(test[i]);
                Assert.Equal(BitConverter.SingleToInt32Bits(single.Score), BitConverter.SingleToInt32Bits(batch[i].Score));
                Assert.Equal(single.Map!.Data, batch[i].Map!.Data);
            }
            Assert.Empty(batcher.PredictBatch([]));
        }
        finally { (detector as IDisposable)?.Dispose(); }
    }
}
