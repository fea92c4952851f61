using TorchSharp;
using TorchSharp.Modules;

namespace Inspecta.Torch.Training;

public static class Optimizers
{
    /// <summary>Adam (β as given) or SGD with momentum 0.9, both with L2 weight decay.</summary>
    public static OptimizerHelper Create(OptimizerKind kind, IEnumerable<Parameter> parameters, double learningRate, double weightDecay,
        double beta1 = 0.9, double beta2 = 0.999) => kind switch
    {
        OptimizerKind.Adam => torch.optim.Adam(parameters, learningRate, beta1, beta2, weight_decay: weightDecay),
        _ => torch.optim.SGD(parameters, learningRate, momentum: 0.9, weight_decay: weightDecay),
    };

    public static void SetLearningRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }
}
