using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Training;

/// <summary>A training phase given by its loss: one optimiser over <see cref="Modules"/>, a step = zero_grad, loss,
/// backward, step, then <paramref name="stepped"/> (if any); the validation loss is the same loss (in eval mode under
/// no_grad). Owns the optimiser: disposing the task disposes it (phases that share one optimiser, as GCAD's two do, are
/// not disposed; the optimiser's owner disposes it).</summary>
public sealed class LossTask(string phase, JsonObject architecture, IReadOnlyList<(string Name, nn.Module Module)> modules, OptimizerHelper optimizer,
    Func<Tensor, Tensor> loss, Action? stepped = null) : ITrainingTask, IDisposable
{
    public string Phase => phase;
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules => modules;
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [optimizer];

    public double TrainStep(Tensor batch)
    {
        optimizer.zero_grad();
        var l = loss(batch);
        l.backward();
        optimizer.step();
        stepped?.Invoke();
        return l.item<float>();
    }

    public double ValidationLoss(Tensor batch) => loss(batch).item<float>();

    public void Dispose() => optimizer.Dispose();
}
