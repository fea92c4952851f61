namespace Inspecta.Torch.Training;

/// <param name="BestEpoch">1-based epoch whose weights the networks hold (the last, or the best validation epoch with early stopping).</param>
public sealed record TrainingResult(IReadOnlyList<TrainingEpoch> History, bool StoppedEarly, int BestEpoch);
