using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Inspecta.Torch.Training;

/// <summary>What <see cref="Trainer"/> needs from a method: its networks and optimisers, and one optimisation step.</summary>
public interface ITrainingTask
{
    /// <summary>Name of this training phase (f-AnoGAN trains "gan", then "encoder").</summary>
    string Phase { get; }
    /// <summary>Architecture and preprocessing; a checkpoint resumes only into the same.</summary>
    JsonObject Architecture { get; }
    IReadOnlyList<(string Name, nn.Module Module)> Modules { get; }
    IReadOnlyList<OptimizerHelper> Optimizers { get; }
    /// <summary>Forward, backward and optimiser step on one batch; returns the batch's mean loss.</summary>
    double TrainStep(Tensor batch);
    /// <summary>The batch's mean loss without changing anything (called in eval mode under no_grad).</summary>
    double ValidationLoss(Tensor batch);
}
