namespace Inspecta.Torch.Training;

/// <summary>How a network is trained: optimiser, schedule, data volume, stopping, checkpoints, threads and seed. The engine's
/// settings; users set them through a method's <see cref="TrainedMethodOptions"/>, the fit context adds threads and checkpoint.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 100;
    public int BatchSize { get; init; } = 128;
    /// <summary>Augmented samples drawn per epoch (the MVTec AD paper: 10 000 per category).</summary>
    public int SamplesPerEpoch { get; init; } = 10_000;
    public double LearningRate { get; init; } = 2e-4;
    public double WeightDecay { get; init; } = 1e-5;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>Stop when the validation loss has not improved for this many epochs (then the best epoch's weights are kept); null = never.</summary>
    public int? Patience { get; init; }
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = TorchRuntime.DefaultThreads;
    /// <summary>Where to keep a resumable checkpoint after every epoch; null = none.</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Continue from <see cref="CheckpointPath"/> when it exists.</summary>
    public bool Resume { get; init; }

    public void Validate(string method)
    {
        if (Epochs < 1) throw new InspectaUserException($"{method}: --epochs must be at least 1, got {Epochs}.");
        if (BatchSize < 1) throw new InspectaUserException($"{method}: --batch-size must be at least 1, got {BatchSize}.");
        if (SamplesPerEpoch < 1) throw new InspectaUserException($"{method}: --samples-per-epoch must be at least 1, got {SamplesPerEpoch}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new InspectaUserException($"{method}: --learning-rate must be positive, got {LearningRate}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new InspectaUserException($"{method}: --weight-decay must be zero or positive, got {WeightDecay}.");
        if (Patience is < 1) throw new InspectaUserException($"{method}: --patience must be at least 1, got {Patience}.");
        if (Threads < 1) throw new InspectaUserException($"{method}: --threads must be at least 1, got {Threads}.");
        if (Resume && CheckpointPath is null) throw new InspectaUserException($"{method}: --resume needs a checkpoint path.");
    }
}
