using Inspecta.Detectors.Components;
using Inspecta.Tests.Infrastructure;
using Inspecta.Detectors;

namespace Inspecta.Tests.Detectors;

/// <summary>Batched prediction (one ONNX run, one search) must give exactly the per-sample results.</summary>
public class BatchPredictTests
{
    private static string ResNet18 => TestBackbones.ResNet18;

    [Theory]
    [InlineData("patchcore")]
    [InlineData("padim")]
    [InlineData("spade")]
    public void PredictBatchAndConcurrentPredictAreBitIdenticalToPredict(string method)
    {
        var train = PadimFormTests.Synthetic(6, 21, 64);
        var test = PadimFormTests.Synthetic(3, 22, 64);
        var detector = TestMethods.Create(method, ("backbone", ResNet18), ("image-size", 64), ("layers", new[] { "layer1", "layer2" }), ("coreset", 0.3), ("channels", 24), ("top-images", 3));
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
            // The Predict contract: safe to call concurrently (inspecta predict keeps two images in flight).
            var concurrent = new Prediction[test.Length * 2];
            Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = detector.Predict(test[i % test.Length]));
            for (int i = 0; i < concurrent.Length; i++) Assert.Equal(batch[i % test.Length].Map!.Data, concurrent[i].Map!.Data);
        }
        finally { (detector as IDisposable)?.Dispose(); }
    }
}
