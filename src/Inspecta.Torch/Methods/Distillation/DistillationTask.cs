using System.Text.Json.Nodes;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Distillation;

/// <summary>
/// One training step of a teacher–student method: the batch ImageNet-normalised, the frozen teacher's features (eval
/// mode, no_grad: the trainer switches only <see cref="Modules"/> to training mode), the method's loss from them, an
/// optimiser step. Owns the optimiser.
/// </summary>
internal sealed class DistillationTask(string phase, ResNet18 teacher, IReadOnlyList<(string Name, nn.Module Module)> modules, OptimizerHelper optimizer,
    JsonObject architecture, Func<Tensor[], Tensor, Tensor> loss) : ITrainingTask, IDisposable
{
    public string Phase => phase;
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules => modules;
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [optimizer];

    public double TrainStep(Tensor batch)
    {
        optimizer.zero_grad();
        var l = Loss(batch);
        l.backward();
        optimizer.step();
        return l.item<float>();
    }

    public double ValidationLoss(Tensor batch) => Loss(batch).item<float>();

    private Tensor Loss(Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        Tensor[] t;
        using (no_grad()) t = teacher.forward(x);
        return loss(t, x);
    }

    public void Dispose() => optimizer.Dispose();
}
