using System.Text.Json.Nodes;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.StudentTeacher;

/// <summary>A training phase that is one loss and one optimiser: zero the gradients, the loss, backward, a step.</summary>
internal abstract class LossTask(string phase, JsonObject architecture, OptimizerHelper optimizer) : ITrainingTask
{
    public string Phase => phase;
    public JsonObject Architecture => architecture;
    public abstract IReadOnlyList<(string Name, nn.Module Module)> Modules { get; }
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [optimizer];
    protected OptimizerHelper Optimizer => optimizer;

    /// <summary>The batch's mean loss (a scalar tensor with gradients in training).</summary>
    protected abstract Tensor Loss(Tensor batch);

    /// <summary>Called after every optimiser step.</summary>
    protected virtual void Stepped() { }

    public double TrainStep(Tensor batch)
    {
        optimizer.zero_grad();
        var loss = Loss(batch);
        loss.backward();
        optimizer.step();
        Stepped();
        return loss.item<float>();
    }

    public double ValidationLoss(Tensor batch) => Loss(batch).item<float>();
}
