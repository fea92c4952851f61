using Inspecta.Datasets;

namespace Inspecta.Detectors;

/// <summary>
/// Everything a fit gets besides the method's options: the good training samples, the good validation samples (for
/// trained methods' validation loss and early stopping), traits of the category, progress and epoch sinks, and cancellation.
/// </summary>
public sealed record FitContext(IReadOnlyList<Sample> Train)
{
    /// <summary>Good validation samples, never defects (the fit pipeline passes only good ones).</summary>
    public IReadOnlyList<Sample> Validation { get; init; } = [];
    /// <summary>The category is a texture (<see cref="TextureCategories"/>): methods with texture-specific defaults use them.</summary>
    public bool TextureCategory { get; init; }
    /// <summary>Compute threads for the training engine (null: the engine's default for this machine).</summary>
    public int? Threads { get; init; }
    public IProgress<ProgressUpdate>? Progress { get; init; }
    /// <summary>Trained methods report each epoch here (live progress, <c>--json</c> loss history).</summary>
    public IProgress<TrainingEpoch>? Epochs { get; init; }
    /// <summary>Where a trained method may keep a resumable checkpoint while it trains (null: none).</summary>
    public string? CheckpointPath { get; init; }
    public CancellationToken Cancellation { get; init; }
}
