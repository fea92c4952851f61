using TorchSharp;
using TorchSharp.Modules;

namespace Inspecta.Torch.Training;

public static class Optimizers
{
    /// <summary>Adam (β as given, ε 10⁻⁸) or SGD with momentum 0.9, both with L2 weight decay; both hold their Scalars
    /// (<see cref="HeldScalarAdam"/>: TorchSharp's own steps can crash under a concurrent garbage collection).</summary>
    public static OptimizerHelper Create(OptimizerKind kind, IEnumerable<Parameter> parameters, double learningRate, double weightDecay,
        double beta1 = 0.9, double beta2 = 0.999) => kind switch
    {
        OptimizerKind.Adam => new HeldScalarAdam(parameters, learningRate, beta1, beta2, 1e-8, weightDecay),
        _ => new HeldScalarSgd(parameters, learningRate, 0.9, weightDecay),
    };

    public static void SetLearningRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
