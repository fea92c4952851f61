using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Torch.Methods.Autoencoder;

namespace Inspecta.Torch.Tests;

/// <summary>Tiny option sets and fit contexts for fast training tests (one libtorch thread: bit-reproducible).</summary>
internal static class TinyFit
{
    public static AutoencoderOptions Autoencoder(AutoencoderVariant variant, int epochs = 2, bool resume = false)
    {
        AutoencoderOptions o = variant switch
        {
            AutoencoderVariant.L2 => new L2AutoencoderOptions(),
            AutoencoderVariant.Ssim => new SsimAutoencoderOptions { SsimWindow = 7 },
            _ => new VaeOptions(),
        };
        return o with { ImageSize = 32, Latent = 16, Epochs = epochs, BatchSize = 16, SamplesPerEpoch = 48, LearningRate = 1e-3, Seed = 3, Resume = resume };
    }

    public static FitContext Context(IReadOnlyList<Sample> train, string? checkpoint = null, IProgress<TrainingEpoch>? epochs = null,
        CancellationToken ct = default) =>
        new(train) { Threads = 1, CheckpointPath = checkpoint, Epochs = epochs, Cancellation = ct };

    public sealed class SyncProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
