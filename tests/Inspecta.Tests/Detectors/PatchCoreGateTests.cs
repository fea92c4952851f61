using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors;

/// <summary>Issue 8's accuracy gate for PatchCore on the real bottle category (10 % coreset, re-weighted image score).</summary>
public class PatchCoreGateTests(PatchCoreGateFixture fit) : IClassFixture<PatchCoreGateFixture>
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void MeetsTheBottleAccuracyGate()
    {
        var r = fit.Result!;
        Assert.Equal(83, r.ImageCount);
        Assert.True(r.ImageAuroc >= 0.995, $"image AUROC {r.ImageAuroc}");
        Assert.True(r.PixelAuroc >= 0.975, $"pixel AUROC {r.PixelAuroc}");
        Assert.True(r.AuProAtDefaultLimit >= 0.90, $"AU-PRO@0.3 {r.AuProAtDefaultLimit}");
    }

    [SharedFact("data", "mvtec_ad", "bottle")]
    public void MapsAreAtTheOriginalResolution()
    {
        foreach (var (s, p) in fit.Predictions.Take(3))
        {
            Assert.Equal((900, 900), (p.Map!.Height, p.Map.Width));
            Assert.All(p.Map.Data, v => Assert.True(float.IsFinite(v)));
        }
    }
}

/// <summary>Issue 8's accuracy gate for PaDiM on the real bottle category (layers 1–3, 550 random channels).</summary>
public class PadimGateTests(PadimGateFixture fit) : IClassFixture<PadimGateFixture>
{
    [SharedFact("data", "mvtec_ad", "bottle")]
    public void MeetsTheBottleAccuracyGate()
    {
        var r = fit.Result!;
        Assert.True(r.ImageAuroc >= 0.98, $"image AUROC {r.ImageAuroc}");
        Assert.True(r.PixelAuroc >= 0.97, $"pixel AUROC {r.PixelAuroc}");
    }
}
