namespace Inspecta;

/// <summary>One finished training epoch of a trained method, for live progress and the loss history.</summary>
/// <param name="Phase">Which network is being trained, e.g. "autoencoder"; f-AnoGAN trains "gan", then "encoder".</param>
/// <param name="ValidationLoss">Loss on the good validation samples; null when there are none.</param>
/// <param name="Eta">Estimated time to the phase's last epoch; null after it.</param>
public readonly record struct TrainingEpoch(string Phase, int Epoch, int Epochs, double Loss, double? ValidationLoss, double LearningRate,
    double SamplesPerSecond, TimeSpan Elapsed, TimeSpan? Eta)
{
    /// <summary>The <see cref="ProgressUpdate.Stage"/> under which a phase reports its batches, so that a progress display can
    /// tell batch progress of training (shown with the epoch's figures) from other stages.</summary>
    public static string Stage(string phase) => StagePrefix + phase;

    public const string StagePrefix = "train ";
}
