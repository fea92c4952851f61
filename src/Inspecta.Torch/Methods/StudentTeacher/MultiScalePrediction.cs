using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>
/// Prediction of the patch-teacher methods: the image as RGB at the working square, every scale's normalised map
/// (under one lock, no_grad), their pixelwise average (eq. 5.12), zoomed bilinearly to the input size; score = its maximum.
/// </summary>
internal static class MultiScalePrediction
{
    public static Prediction Predict(Sample sample, int size, Lock gate, IReadOnlyList<Func<Tensor, Tensor>> scales)
    {
        var image = sample.LoadImage();
        var rgb = RgbInput.Prepare(image, size);
        float[] data;
        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = RgbInput.Normalize(RgbInput.ToTensor(rgb));
            Tensor? sum = null;
            foreach (var score in scales)
            {
                var map = score(x);
                sum = sum is null ? map : sum.Plus(map);
            }
            data = (sum! / ScalarTensor.Of(scales.Count)).reshape(size * size).contiguous().data<float>().ToArray();
        }
        var result = new AnomalyMap(size, size, data);
        if (result.Height != image.Height || result.Width != image.Width) result = Resize.Bilinear(result, image.Height, image.Width);
        return new Prediction(result.Max(), result);
    }
}
