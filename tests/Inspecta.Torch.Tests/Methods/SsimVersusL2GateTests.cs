using Inspecta.Evaluation;
using Inspecta.Torch.Methods.Autoencoder;
using Inspecta.Torch.Training;
using Xunit.Abstractions;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>
/// The MVTec AD paper's point about structural similarity, at a small size: on the synthetic tiles texture the SSIM-AE
/// localises defects better (pixel AUROC) than the L2-AE trained the same way. Both see grayscale (so the comparison is
/// about the loss and the map, not colour) and the same 4 × 1024 random 32² crops of 128² images; maps average patches
/// at stride 8. One thread and fixed seeds make the outcome bit-reproducible (the same run as
/// `torch-synth tiles 4 1024 1 32 64 1e-3 128` with INSPECTA_SYNTH_GRAY=1 in docs/benchmarks.md).
/// </summary>
public class SsimVersusL2GateTests(ITestOutputHelper output)
{
    private static AutoencoderOptions Options(AutoencoderVariant variant) =>
        (variant == AutoencoderVariant.Ssim ? (AutoencoderOptions)new SsimAutoencoderOptions() : new L2AutoencoderOptions()) with
        {
            ImageSize = 128, CropSize = 32, Stride = 8, Latent = 64, Color = "gray",
            Epochs = 4, BatchSize = 32, SamplesPerEpoch = 1024, LearningRate = 1e-3, Seed = 1,
        };

    [Fact]
    public void SsimAutoencoderBeatsL2AutoencoderInPixelAurocOnTiles()
    {
        var (train, test) = TinyData.Category("tiles", train: 12, size: 128, testGood: 4, perDefect: 3);
        double ssim = PixelAuroc(AutoencoderVariant.Ssim, train, test);
        double l2 = PixelAuroc(AutoencoderVariant.L2, train, test);
        output.WriteLine($"tiles: pixel AUROC ae-ssim {ssim:F3}, ae-l2 {l2:F3}");
        Assert.True(ssim > l2 + 0.05, $"tiles: ae-ssim pixel AUROC {ssim:F3} should beat ae-l2 {l2:F3}");
    }

    private static double PixelAuroc(AutoencoderVariant variant, List<Inspecta.Datasets.Sample> train, List<Inspecta.Datasets.Sample> test)
    {
        using var detector = new AutoencoderDetector(Options(variant));
        detector.Fit(TinyFit.Context(train));
        var scores = new List<float>();
        var positive = new List<bool>();
        foreach (var s in test)
        {
            scores.AddRange(detector.Predict(s).Map!.Data);
            positive.AddRange(s.LoadGroundTruth().Data.Select(b => b != 0));
        }
        return RankingMetrics.Compute(scores.ToArray(), positive.ToArray(), "pixel_roc").Auroc;
    }
}
