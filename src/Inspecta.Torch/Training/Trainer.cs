using System.Diagnostics;
using Inspecta.Detectors;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Training;

/// <summary>
/// The epoch loop every trainable method shares: learning-rate schedule, batches drawn from <see cref="TrainingImages"/>,
/// NaN detection, validation loss, early stopping (keeping the best epoch's weights), a checkpoint after every epoch
/// and resumption from it, cancellation between batches, and progress per batch and per epoch.
/// </summary>
public static class Trainer
{
    public static TrainingResult Run(string method, ITrainingTask task, TrainingImages train, TrainingImages? validation, TrainingOptions options,
        IProgress<ProgressUpdate>? progress, IProgress<TrainingEpoch>? epochs, CancellationToken ct)
    {
        int batchSize = options.BatchSize, perEpoch = options.SamplesPerEpoch;
        int batches = (perEpoch + batchSize - 1) / batchSize;
        var history = new List<TrainingEpoch>();
        double best = double.PositiveInfinity;
        int bestEpoch = 0, start = 0;
        Dictionary<string, Tensor>[]? bestWeights = null;
        string? checkpoint = options.CheckpointPath;
        if (checkpoint is not null && options.Resume && File.Exists(checkpoint))
        {
            var state = Checkpoint.Read(checkpoint, task.Phase, task.Architecture, task.Modules, task.Optimizers);
            (start, best, bestEpoch) = (state.EpochsDone, state.BestValidation, state.BestEpoch);
            history.AddRange(state.History);
            if (bestEpoch != start && options.Patience is not null)
                // The best weights are not in the checkpoint; early stopping continues from the resumed epoch's.
                (best, bestEpoch) = (double.PositiveInfinity, start);
        }
        var sw = Stopwatch.StartNew();
        long drawn = 0;
        bool stoppedEarly = false;
        for (int epoch = start; epoch < options.Epochs; epoch++)
        {
            // libtorch's generator (dropout, noise) restarts per phase and epoch, so a resumed fit draws what an uninterrupted one does.
            TorchRuntime.Seed(TrainingRandom.For(options.Seed, PhaseKey(task.Phase), (ulong)epoch).NextULong());
            double rate = options.Schedule.RateAt(options.LearningRate, epoch, options.Epochs);
            foreach (var opt in task.Optimizers) Optimizers.SetLearningRate(opt, rate);
            foreach (var (_, m) in task.Modules) m.train();
            double sum = 0;
            long count = 0;
            for (int b = 0; b < batches; b++)
            {
                if (ct.IsCancellationRequested) throw Interrupted(method, epoch, checkpoint, ct);
                using var scope = NewDisposeScope();
                var batch = train.Batch(epoch, b, batchSize, perEpoch);
                int n = (int)batch.shape[0];
                double loss = task.TrainStep(batch);
                if (!double.IsFinite(loss))
                    throw new InspectaUserException($"{method}: the training loss became {loss} in epoch {epoch + 1} of {options.Epochs} ({task.Phase}); " +
                                                    $"the learning rate {rate:G3} is probably too high: try a lower --learning-rate, e.g. {rate / 10:G3}. No model was saved.");
                sum += loss * n;
                count += n;
                drawn += n;
                progress?.Report(new ProgressUpdate(TrainingEpoch.Stage(task.Phase), (long)(epoch - start) * batches + b + 1, (long)(options.Epochs - start) * batches));
            }
            double? val = validation is null ? null : ValidationLoss(task, validation, batchSize);
            if (val is { } v && !double.IsFinite(v))
                throw new InspectaUserException($"{method}: the validation loss became {v} in epoch {epoch + 1} of {options.Epochs} ({task.Phase}); " +
                                                $"try a lower --learning-rate, e.g. {rate / 10:G3}. No model was saved.");
            double speed = drawn / Math.Max(1e-9, sw.Elapsed.TotalSeconds);
            TimeSpan? eta = epoch + 1 < options.Epochs ? TimeSpan.FromSeconds(sw.Elapsed.TotalSeconds / (epoch + 1 - start) * (options.Epochs - epoch - 1)) : null;
            var record = new TrainingEpoch(task.Phase, epoch + 1, options.Epochs, sum / count, val, rate, speed, sw.Elapsed, eta);
            history.Add(record);
            epochs?.Report(record);

            if (options.Patience is int patience && val is double current)
            {
                if (current < best)
                {
                    (best, bestEpoch) = (current, epoch + 1);
                    Dispose(bestWeights);
                    bestWeights = [.. task.Modules.Select(m => ModuleWeights.Snapshot(m.Module))];
                }
                else if (epoch + 1 - bestEpoch >= patience)
                {
                    stoppedEarly = true;
                    if (checkpoint is not null) Checkpoint.Write(checkpoint, task.Phase, task.Architecture, task.Modules, task.Optimizers, epoch + 1, history, best, bestEpoch);
                    break;
                }
            }
            else bestEpoch = epoch + 1;
            if (checkpoint is not null) Checkpoint.Write(checkpoint, task.Phase, task.Architecture, task.Modules, task.Optimizers, epoch + 1, history, best, bestEpoch);
        }
        if (bestWeights is not null && bestEpoch != history.Count)
            for (int i = 0; i < task.Modules.Count; i++) ModuleWeights.Restore(task.Modules[i].Module, bestWeights[i]);
        Dispose(bestWeights);
        foreach (var (_, m) in task.Modules) m.eval();
        return new TrainingResult(history, stoppedEarly, bestEpoch == 0 ? history.Count : bestEpoch);
    }

    /// <summary>FNV-1a of the phase name (string.GetHashCode differs between processes).</summary>
    private static ulong PhaseKey(string phase)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in phase) h = (h ^ c) * 0x100000001B3UL;
        return h;
    }

    private static double ValidationLoss(ITrainingTask task, TrainingImages validation, int batchSize)
    {
        foreach (var (_, m) in task.Modules) m.eval();
        using var _ = no_grad();
        double sum = 0;
        for (int first = 0; first < validation.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, validation.Count - first);
            sum += task.ValidationLoss(validation.Fixed(first, n)) * n;
        }
        return sum / validation.Count;
    }

    private static TrainingInterruptedException Interrupted(string method, int epoch, string? checkpoint, CancellationToken ct)
    {
        bool resumable = checkpoint is not null && File.Exists(checkpoint) && epoch > 0;
        string where = resumable ? $" A checkpoint after epoch {epoch} is at {checkpoint}; fit again with --resume to continue." : " No checkpoint was written yet.";
        return new TrainingInterruptedException($"{method}: training interrupted in epoch {epoch + 1}; no model was saved.{where}", resumable ? checkpoint : null, ct);
    }

    private static void Dispose(Dictionary<string, Tensor>[]? weights)
    {
        if (weights is null) return;
        foreach (var d in weights) foreach (var t in d.Values) t.Dispose();
    }
}
