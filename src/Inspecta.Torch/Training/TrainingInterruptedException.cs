namespace Inspecta.Torch.Training;

/// <summary>A fit cancelled between batches; <see cref="CheckpointPath"/> names the resumable checkpoint it left, if any.</summary>
public sealed class TrainingInterruptedException(string message, string? checkpointPath, CancellationToken token)
    : OperationCanceledException(message, token)
{
    public string? CheckpointPath { get; } = checkpointPath;
}
