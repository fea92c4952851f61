using Inspecta.Detectors;
using Inspecta.Detectors.Options;

namespace Inspecta.Torch.Training;

/// <summary>
/// The options every trained method shares: how long and how it trains. A method's options record derives from this and
/// may change the defaults in its constructor (f-AnoGAN's GAN phase: batch 64, lr 10⁻⁴, no weight decay).
/// </summary>
public abstract record TrainedMethodOptions : MethodOptions
{
    [Option("epochs", "Training epochs.", Min = 1, Max = 100_000)]
    public int Epochs { get; init; } = 100;

    [Option("batch-size", "Samples per optimiser step (drawn with replacement, so it may exceed the number of images).", Min = 1, Max = 65_536)]
    public int BatchSize { get; init; } = 128;

    [Option("samples-per-epoch", "Augmented samples drawn per epoch (the MVTec AD paper: 10 000).", Min = 1, Max = 100_000_000)]
    public int SamplesPerEpoch { get; init; } = 10_000;

    [Option("learning-rate", "Initial learning rate.", Above = 0)]
    public double LearningRate { get; init; } = 2e-4;

    [Option("weight-decay", "L2 weight decay.", Min = 0, Max = 1)]
    public double WeightDecay { get; init; } = 1e-5;

    [Option("optimizer", "Optimiser (SGD with momentum 0.9).", Choices = ["adam", "sgd"])]
    public string Optimizer { get; init; } = "adam";

    [Option("lr-schedule", "Learning-rate schedule: cosine anneals to 1 %; step divides by 10 at 50 % and 75 % of the epochs.", Choices = ["constant", "cosine", "step"])]
    public string Schedule { get; init; } = "constant";

    [Option("patience", "Stop when the validation loss has not improved for this many epochs, keeping the best epoch's weights.", Min = 1, DefaultText = "never stop early")]
    public int? Patience { get; init; }

    [Option("resume", "Continue from the checkpoint an interrupted fit left beside --out (<out>.checkpoint).", Persist = false)]
    public bool Resume { get; init; }

    /// <summary>The engine's settings for one fit: these options plus the fit's threads and checkpoint.</summary>
    internal TrainingOptions ToTrainingOptions(FitContext context, string method)
    {
        int threads = context.Threads ?? TorchRuntime.DefaultThreads;
        if (Resume && context.CheckpointPath is null) throw new InspectaUserException($"{method}: --resume needs a checkpoint, and this fit keeps none.");
        if (Resume && !File.Exists(context.CheckpointPath))
            throw InspectaUserException.ForFile(context.CheckpointPath!, "no checkpoint to resume from (--resume continues a fit that was interrupted).");
        var t = new TrainingOptions
        {
            Epochs = Epochs, BatchSize = BatchSize, SamplesPerEpoch = SamplesPerEpoch, LearningRate = LearningRate, WeightDecay = WeightDecay,
            Optimizer = OptimizerKinds.Parse(Optimizer), Schedule = LearningRateSchedules.Parse(Schedule), Patience = Patience,
            Seed = (uint)Seed, Threads = threads, CheckpointPath = context.CheckpointPath, Resume = Resume,
        };
        t.Validate(method);
        return t;
    }
}
