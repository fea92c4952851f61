using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Training;

public class TrainerTests
{
    /// <summary>Fits one scalar to the images' mean; its validation loss is a set sequence, to drive early stopping.</summary>
    private sealed class ScriptedTask : ITrainingTask
    {
        private readonly nn.Module _module;
        private readonly Queue<double> _validation;

        public ScriptedTask(IEnumerable<double> validation, double learningRate)
        {
            _module = nn.Linear(1, 1);
            _validation = new Queue<double>(validation);
            Optimizers = [Inspecta.Torch.Training.Optimizers.Create(OptimizerKind.Sgd, _module.parameters(), learningRate, 0)];
        }

        public string Phase => "test";
        public JsonObject Architecture => new() { ["kind"] = "scripted" };
        public IReadOnlyList<(string Name, nn.Module Module)> Modules => [("m", _module)];
        public IReadOnlyList<OptimizerHelper> Optimizers { get; }
        public List<double> Rates { get; } = [];

        public double TrainStep(Tensor batch)
        {
            Rates.Add(Optimizers[0].ParamGroups.First().LearningRate);
            Optimizers[0].zero_grad();
            var p = _module.parameters().First();
            var loss = (p.sum() - batch.mean()).pow(2);
            loss.backward();
            Optimizers[0].step();
            return loss.item<float>();
        }

        public double ValidationLoss(Tensor batch) => _validation.Count > 1 ? _validation.Dequeue() : _validation.Peek();
    }

    private static TrainingImages Images(int n = 4) =>
        new([.. Enumerable.Range(0, n).Select(i => new ImageF(1, 8, 8, Enumerable.Repeat(i / 4f, 64).ToArray()))], 8, Augmentation.None, 1);

    [Fact]
    public void EarlyStoppingKeepsTheBestEpochAfterPatienceEpochsWithoutImprovement()
    {
        var task = new ScriptedTask([0.5, 0.3, 0.4, 0.35, 0.31, 0.2], 0.01);
        var epochs = new List<TrainingEpoch>();
        var result = Trainer.Run("test", task, Images(), Images(2), new TrainingOptions { Epochs = 10, BatchSize = 4, SamplesPerEpoch = 8, Patience = 3, LearningRate = 0.01 },
            null, new Progress(epochs.Add), default);
        Assert.True(result.StoppedEarly);
        Assert.Equal(2, result.BestEpoch);
        Assert.Equal(5, result.History.Count); // epochs 3, 4, 5 did not improve on 0.3
        Assert.Equal([0.5, 0.3, 0.4, 0.35, 0.31], epochs.Select(e => e.ValidationLoss!.Value));
        Assert.NotNull(epochs[0].Eta);
    }

    [Fact]
    public void CosineAndStepSchedulesSetTheRatePerEpoch()
    {
        Assert.Equal(1.0, LearningRateSchedule.Cosine.RateAt(1, 0, 10), 12);
        Assert.Equal(0.505, LearningRateSchedule.Cosine.RateAt(1, 5, 10), 12);
        Assert.Equal([1, 1, 0.1, 0.01], new[] { 0, 1, 2, 3 }.Select(e => LearningRateSchedule.Step.RateAt(1, e, 4)));
        var task = new ScriptedTask([1], 0.1);
        Trainer.Run("test", task, Images(), null, new TrainingOptions { Epochs = 4, BatchSize = 4, SamplesPerEpoch = 4, LearningRate = 0.1, Schedule = LearningRateSchedule.Step }, null, null, default);
        Assert.Equal([0.1, 0.1, 0.01, 0.001], task.Rates.Select(r => Math.Round(r, 10)));
    }

    [Fact]
    public void DrawsAreAPureFunctionOfSeedEpochAndIndex()
    {
        var images = new TrainingImages([new ImageF(1, 16, 16, [.. Enumerable.Range(0, 256).Select(i => i / 256f)])], 8, Augmentation.Thesis, 9);
        using var a = images.Batch(3, 1, 4, 12);
        using var b = images.Batch(3, 1, 4, 12);
        using var c = images.Batch(4, 1, 4, 12);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a.equal(c).all().item<bool>());
        Assert.Equal([4L, 1, 8, 8], a.shape);
        using var last = images.Batch(3, 2, 5, 12); // 12 draws in batches of 5: the last has 2
        Assert.Equal(2, last.shape[0]);
    }

    private sealed class Progress(Action<TrainingEpoch> a) : IProgress<TrainingEpoch>
    {
        public void Report(TrainingEpoch value) => a(value);
    }
}
