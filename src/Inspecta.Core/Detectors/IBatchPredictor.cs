using Inspecta.Datasets;

namespace Inspecta.Detectors;

/// <summary>
/// Optional: a detector that predicts several samples in one call (e.g. one ONNX batch), so
/// <c>inspecta bench</c> can report throughput at the best batch size. Results must equal
/// calling <see cref="IAnomalyDetector.Predict"/> on each sample.
/// </summary>
public interface IBatchPredictor
{
    IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<Sample> samples);
}
