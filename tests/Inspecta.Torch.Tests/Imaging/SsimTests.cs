using Inspecta.Torch.Imaging;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Imaging;

public class SsimTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new System.Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble())];
    }

    [Fact]
    public void IdenticalImagesHaveSsimOneEverywhere()
    {
        using var x = tensor(Random(2 * 24 * 24, 1), [2, 1, 24, 24]);
        using var map = Ssim.Map(x, x, 7);
        Assert.Equal([2L, 1, 24, 24], map.shape);
        Assert.True((map - 1).abs().max().item<float>() < 1e-4f);
    }

    [Fact]
    public void MatchesEquation39AtAnInteriorPixel()
    {
        const int h = 20, w = 20, k = 7, py = 9, px = 11;
        float[] a = Random(h * w, 2), b = Random(h * w, 3);
        using var ta = tensor(a, [1, 1, h, w]);
        using var tb = tensor(b, [1, 1, h, w]);
        using var map = Ssim.Map(ta, tb, k);
        double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
        int n = k * k;
        for (int y = py - k / 2; y <= py + k / 2; y++)
            for (int x = px - k / 2; x <= px + k / 2; x++) { ma += a[y * w + x]; mb += b[y * w + x]; }
        ma /= n; mb /= n;
        for (int y = py - k / 2; y <= py + k / 2; y++)
            for (int x = px - k / 2; x <= px + k / 2; x++)
            {
                double da = a[y * w + x] - ma, db = b[y * w + x] - mb;
                saa += da * da; sbb += db * db; sab += da * db;
            }
        saa /= n; sbb /= n; sab /= n;
        double expected = (2 * ma * mb + Ssim.C1) * (2 * sab + Ssim.C2) / ((ma * ma + mb * mb + Ssim.C1) * (saa + sbb + Ssim.C2));
        Assert.Equal(expected, map[0, 0, py, px].item<float>(), 4);
    }

    [Fact]
    public void ADefectLowersSsimOnlyNearIt()
    {
        float[] a = Random(32 * 32, 4);
        float[] b = (float[])a.Clone();
        for (int y = 4; y < 8; y++) for (int x = 4; x < 8; x++) b[y * 32 + x] = 1 - b[y * 32 + x];
        using var map = Ssim.Map(tensor(a, [1, 1, 32, 32]), tensor(b, [1, 1, 32, 32]), 5);
        Assert.True(map[0, 0, 6, 6].item<float>() < 0.5f);
        Assert.True(map[0, 0, 25, 25].item<float>() > 0.999f);
    }
}
