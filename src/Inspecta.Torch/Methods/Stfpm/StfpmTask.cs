using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Stfpm;

/// <summary>One STFPM step: the frozen teacher's features (no_grad, eval mode) and the student's, the pyramid loss, an SGD step.</summary>
internal sealed class StfpmTask(ResNet18 teacher, ResNet18 student, OptimizerHelper optimizer, JsonObject architecture) : ITrainingTask, IDisposable
{
    public string Phase => "student";
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = [("student", student)];
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
        var x = RgbInput.Normalize(batch);
        Tensor[] t;
        using (no_grad()) t = teacher.forward(x);
        return StfpmDetector.Loss(t, student.forward(x));
    }

    public void Dispose() => optimizer.Dispose();
}
