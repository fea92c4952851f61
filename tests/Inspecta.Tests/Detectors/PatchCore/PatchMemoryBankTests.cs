using Inspecta.Detectors.Components;
using Inspecta.Tests.Infrastructure;
using Inspecta.Detectors.PatchCore;
using Inspecta.Persistence;

namespace Inspecta.Tests.Detectors.PatchCore;

/// <summary>The reusable PatchCore memory bank: brute-force nearest distances, the paper's re-weighting, file round trip.</summary>
public class PatchMemoryBankTests
{
    private static float[] Random(int n, int dim, int seed, float offset = 0)
    {
        var rng = new System.Random(seed);
        var a = new float[n * dim];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() + offset;
        return a;
    }

    private static double Dist(float[] a, int i, float[] b, int j, int dim)
    {
        double s = 0;
        for (int k = 0; k < dim; k++) { double d = a[i * dim + k] - b[j * dim + k]; s += d * d; }
        return Math.Sqrt(s);
    }

    [Fact]
    public void PatchScoresAreBruteForceNearestDistancesAndCoresetKeepsTheRatio()
    {
        const int dim = 7;
        var good = Random(400, dim, 1);
        var bank = PatchMemoryBank.Build(good, 400, dim, 0.1, seed: 3);
        Assert.Equal(40, bank.Count);
        Assert.Equal(400, bank.FullCount);
        var rows = bank.Features.ToArray();
        var q = Random(25, dim, 2, offset: 0.3f);
        var s = bank.PatchScores(q, 25, out var nearest);
        for (int i = 0; i < 25; i++)
        {
            double best = double.MaxValue;
            for (int j = 0; j < bank.Count; j++) best = Math.Min(best, Dist(q, i, rows, j, dim));
            Assert.Equal(best, s[i], 3);
            Assert.Equal(s[i], Dist(q, i, rows, nearest[i], dim), 3);
        }
    }

    [Fact]
    public void ImageScoreIsTheReweightedMaximum()
    {
        const int dim = 3;
        // Bank: a dense pair at the origin side and a lone far point.
        float[] bank = [0, 0, 0, 0.1f, 0, 0, 10, 0, 0];
        var b = PatchMemoryBank.FromRows(bank, 3, dim);
        float[] q = [0.05f, 0, 0, 0, 2, 0];
        var s = b.PatchScores(q, 2, out var nearest);
        Assert.Equal(1, Array.IndexOf(s, s.Max()));
        // Worst query (0,2,0): m* = (0,0,0); its 2 nearest bank neighbours are itself and (0.1,0,0).
        double d0 = 2, d1 = Math.Sqrt(0.01 + 4);
        double w = 1 - Math.Exp(d0) / (Math.Exp(d0) + Math.Exp(d1));
        Assert.Equal(w * 2, b.ImageScore(q, 2, s, 2), 5);
        Assert.Equal(b.ImageScore(q, 2, s, nearest, 2), b.ImageScore(q, 2, s, 2));
        Assert.Equal(s.Max(), b.ImageScore(q, 2, s, 1));
    }

    [Fact]
    public void SaveLoadRoundTripsWithAPrefix()
    {
        using var tmp = new TempDir();
        const int dim = 5;
        var bank = PatchMemoryBank.Build(Random(100, dim, 4), 100, dim, 0.25, seed: 1);
        var w = new ModelWriter("test");
        bank.Save(w, "geo_");
        w.WriteTo(tmp["m.inspecta"]);
        var back = PatchMemoryBank.Load(ModelReader.Open(tmp["m.inspecta"]), "geo_");
        Assert.Equal(bank.Features.ToArray(), back.Features.ToArray());
        Assert.Equal((bank.Count, bank.Dimension, bank.FullCount), (back.Count, back.Dimension, back.FullCount));
        var q = Random(9, dim, 5);
        Assert.Equal(bank.PatchScores(q, 9), back.PatchScores(q, 9));
        Assert.Throws<InspectaUserException>(() => PatchMemoryBank.Load(ModelReader.Open(tmp["m.inspecta"]), "rgb_"));
    }
}
