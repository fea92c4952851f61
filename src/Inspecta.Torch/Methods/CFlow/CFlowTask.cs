using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.CFlow;

/// <summary>
/// CFLOW-AD's training on fibres: the frozen encoder's features of an image batch are cut into fibres per scale; the
/// fibres of a scale are shuffled and fed to that scale's flow in minibatches of <c>fibreBatch</c>, one step of that scale's own optimiser
/// each (so every parameter an optimiser holds has a gradient at each of its steps, and its Adam state resumes exactly) (loss: their mean per-dimension NLL); the step's reported loss is the mean over the scales of each scale's mean. The shuffle is seeded by the fit's seed, the scale and a hash of the batch's
/// pixels, so it is a pure function of the batch (a resumed fit repeats it). Returns the mean loss over the steps.
/// </summary>
internal sealed class CFlowTask(ResNet18 teacher, CFlowNetwork flow, IReadOnlyList<OptimizerHelper> optimizers, int fibreBatch, ulong seed, JsonObject architecture)
    : ITrainingTask, IDisposable
{
    public string Phase => "cflow";
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = [("cflow", flow)];
    public IReadOnlyList<OptimizerHelper> Optimizers => optimizers;

    private Tensor[] Features(Tensor batch)
    {
        using var _ = no_grad();
        return teacher.forward(RgbInput.Normalize(batch));
    }

    public double TrainStep(Tensor batch)
    {
        var features = Features(batch);
        ulong key = PixelHash.Of(batch.contiguous().data<float>().ToArray(), 13);
        double total = 0;
        for (int l = 0; l < features.Length; l++)
        {
            double sum = 0;
            int steps = 0;
            var (fibres, encodings) = flow.Fibres(features[l]);
            int m = (int)fibres.shape[0];
            var order = new int[m];
            for (int i = 0; i < m; i++) order[i] = i;
            var rng = TrainingRandom.For(seed, key, (ulong)l);
            rng.Shuffle(order);
            for (int first = 0; first < m; first += fibreBatch)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(fibreBatch, m - first);
                using var index = tensor(order.AsSpan(first, count).ToArray().Select(i => (long)i).ToArray());
                var optimizer = optimizers[l];
                optimizer.zero_grad();
                var loss = flow.FibreNll(l, fibres.index_select(0, index), encodings.index_select(0, index)).mean();
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                if (!double.IsFinite(value)) return value;
                sum += value;
                steps++;
            }
            total += sum / steps;
        }
        return total / features.Length;
    }

    /// <summary>Per scale the mean per-dimension NLL over every fibre, averaged over the scales (as a training step reports).</summary>
    public double ValidationLoss(Tensor batch)
    {
        var features = Features(batch);
        double sum = 0;
        for (int l = 0; l < features.Length; l++)
        {
            var (fibres, encodings) = flow.Fibres(features[l]);
            sum += flow.FibreNll(l, fibres, encodings).mean().item<float>();
        }
        return sum / features.Length;
    }

    public void Dispose()
    {
        foreach (var o in optimizers) o.Dispose();
    }
}
