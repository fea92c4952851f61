namespace Inspecta.Torch.Training;

/// <summary>One finished epoch, as the CLI's progress bar and <c>--json</c> loss history see it.</summary>
/// <param name="Phase">Which network is being trained, e.g. "autoencoder", "gan", "encoder".</param>
/// <param name="ValidationLoss">Mean loss on the good validation images; null when there are none.</param>
/// <param name="Eta">Remaining time of this phase at the current speed; null after the last epoch.</param>
public sealed record TrainingEpoch(string Phase, int Epoch, int Epochs, double Loss, double? ValidationLoss,
    double LearningRate, double SamplesPerSecond, TimeSpan Elapsed, TimeSpan? Eta);
