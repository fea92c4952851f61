using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.CutPaste;

/// <summary>
/// One CutPaste training step (3-way): every image of the batch is also turned into a CutPaste and a scar version
/// (<see cref="CutPasteAugmentation"/>); the network classifies the 3N images (normal 0, CutPaste 1, scar 2) and the
/// loss is the mean cross-entropy. Owns the optimiser.
/// </summary>
internal sealed class CutPasteTask(CutPasteNetwork network, OptimizerHelper optimizer, CutPasteAugmentation augmentation, JsonObject architecture)
    : ITrainingTask, IDisposable
{
    public string Phase => "cutpaste";
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = [("network", network)];
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [optimizer];

    public double TrainStep(Tensor batch)
    {
        optimizer.zero_grad();
        var loss = Loss(batch);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public double ValidationLoss(Tensor batch) => Loss(batch).item<float>();

    private Tensor Loss(Tensor batch)
    {
        var (images, labels) = Expand(batch);
        return CrossEntropy(network.forward(RgbInput.Normalize(images)), labels);
    }

    /// <summary>Mean cross-entropy of N×K logits against N class indices: −mean log softmax at the label.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) =>
        nn.functional.log_softmax(logits, 1).gather(1, labels.unsqueeze(1)).mean().neg();

    /// <summary>N×3×S×S in [0, 1] → the 3N images (normal, then CutPaste, then scar versions) and their labels.</summary>
    internal (Tensor Images, Tensor Labels) Expand(Tensor batch)
    {
        int n = (int)batch.shape[0], size = (int)batch.shape[2], stride = 3 * size * size;
        var clean = batch.contiguous().data<float>().ToArray();
        var all = new float[3 * clean.Length];
        var labels = new long[3 * n];
        Parallel.For(0, 3 * n, k =>
        {
            int kind = k / n, i = k % n;
            augmentation.Apply(clean.AsSpan(i * stride, stride), size, kind, all.AsSpan(k * stride, stride));
            labels[k] = kind;
        });
        return (tensor(all, [3L * n, 3, size, size]), tensor(labels, [3L * n]));
    }

    public void Dispose() => optimizer.Dispose();
}
