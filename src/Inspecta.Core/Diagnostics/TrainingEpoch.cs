namespace Inspecta;

/// <summary>One finished training epoch of a trained method, for live progress and the loss history.</summary>
/// <param name="ValidationLoss">Loss on the good validation samples; null when there are none.</param>
/// <param name="Eta">Estimated time to the last epoch; null before it can be estimated.</param>
public readonly record struct TrainingEpoch(int Epoch, int Epochs, double Loss, double? ValidationLoss, double SamplesPerSecond,
    TimeSpan Elapsed, TimeSpan? Eta);
