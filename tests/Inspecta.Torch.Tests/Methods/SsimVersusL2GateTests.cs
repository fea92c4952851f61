using Inspecta.Evaluation;
using Inspecta.Torch.Methods.Autoencoder;
using Inspecta.Torch.Training;
using Xunit.Abstractions;

namespace Inspecta.Torch.Tests.Methods;

/// <summary>
/// The MVTec AD paper's point about structural similarity, at a small size: on a synthetic texture the SSIM-AE
/// localises defects better (pixel AUROC) than the L2-AE trained the same way, because the L2 residual of a blurry
/// reconstruction lights up every high-contrast edge of the texture while SSIM compares local structure.
/// </summary>
public class SsimVersusL2GateTests(ITestOutputHelper output)
{
    private static AutoencoderOptions Options(AutoencoderVariant variant) => new()
    {
        Variant = variant, ImageSize = 64, CropSize = 32, Stride = 8, Latent = 32, SsimWindow = 11,
        Training = new TrainingOptions { Epochs = 4, BatchSize = 32, SamplesPerEpoch = 512, LearningRate = 1e-3, Threads = 2, Seed = 1 },
    };

    [Theory]
    [InlineData("weave")]
    public void SsimAutoencoderBeatsL2AutoencoderInPixelAuroc(string category)
    {
        var (train, test) = TinyData.Category(category, train: 12, size: 64, testGood: 4, perDefect: 3);
        double ssim = PixelAuroc(AutoencoderVariant.Ssim, train, test);
        double l2 = PixelAuroc(AutoencoderVariant.L2, train, test);
        output.WriteLine($"{category}: pixel AUROC ae-ssim {ssim:F3}, ae-l2 {l2:F3}");
        Assert.True(ssim > l2, $"{category}: ae-ssim pixel AUROC {ssim:F3} should beat ae-l2 {l2:F3}");
    }

    private static double PixelAuroc(AutoencoderVariant variant, List<Inspecta.Datasets.Sample> train, List<Inspecta.Datasets.Sample> test)
    {
        using var detector = new AutoencoderDetector(Options(variant));
        detector.Fit(train);
        var scores = new List<float>();
        var positive = new List<bool>();
        foreach (var s in test)
        {
            var map = detector.Predict(s).Map!;
            var gt = s.LoadGroundTruth();
            scores.AddRange(map.Data);
            positive.AddRange(gt.Data.Select(b => b != 0));
        }
        return RankingMetrics.Compute(scores.ToArray(), positive.ToArray(), "pixel_roc").Auroc;
    }
}
