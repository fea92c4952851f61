using Inspecta.Imaging;

namespace Inspecta.Tests.Imaging;

public class PreprocessingTests
{
    [Fact]
    public void AntialiasedHalvingUsesTheWidenedTriangleFilter()
    {
        // PIL/torchvision antialias: factor 2 → support 2, taps at distance 0.5 and 1.5 weigh 3/8 and 1/8.
        var row = new ImageF(1, 1, 8, [0, 0, 0, 8, 0, 0, 0, 0]);
        var down = Resize.Bilinear(row, 1, 4);
        Assert.Equal([0f, 3f, 1f, 0f], down.Data.Select(v => MathF.Round(v, 5)).ToArray());
        // At the border the window is clipped and renormalised: pixel 0 sees taps 0,1,2 with 3/8,3/8,1/8 → /(7/8).
        var edge = Resize.Bilinear(new ImageF(1, 1, 8, [7, 0, 0, 0, 0, 0, 0, 0]), 1, 4);
        Assert.Equal(3f, edge.Data[0], 5);
        // Without antialiasing, halving averages exactly the two nearest pixels.
        var plain = Resize.Bilinear(row, 1, 4, antialias: false);
        Assert.Equal([0f, 4f, 0f, 0f], plain.Data);
    }

    [Fact]
    public void ResizeKeepsConstantsAndSeparatesAxes()
    {
        var img = new ImageF(3, 90, 70);
        for (int c = 0; c < 3; c++) img.Plane(c).Fill(0.25f * (c + 1));
        var small = Resize.Bilinear(img, 33, 41);
        Assert.Equal((3, 33, 41), (small.Channels, small.Height, small.Width));
        for (int c = 0; c < 3; c++) Assert.All(small.Plane(c).ToArray(), v => Assert.Equal(0.25f * (c + 1), v, 5));

        // f(x, y) = g(x) + h(y) resamples axis by axis: rows of a horizontal ramp stay identical.
        var ramp = new ImageF(1, 50, 60);
        for (int y = 0; y < 50; y++) for (int x = 0; x < 60; x++) ramp[0, y, x] = x;
        var r = Resize.Bilinear(ramp, 20, 24);
        for (int y = 1; y < 20; y++) for (int x = 0; x < 24; x++) Assert.Equal(r[0, 0, x], r[0, y, x], 1e-4);
        // Away from the borders a ramp stays (nearly: the sampled triangle is not exactly symmetric) a ramp
        // through the pixel centres (i + 0.5)·2.5 − 0.5.
        for (int x = 2; x < 22; x++) Assert.InRange(r[0, 0, x] - ((x + 0.5f) * 2.5f - 0.5f), -0.05f, 0.05f);
    }

    [Fact]
    public void AnomalyMapBilinearMatchesAlignCornersFalseFormula()
    {
        var map = new AnomalyMap(3, 4);
        var rng = new Random(5);
        for (int i = 0; i < map.Data.Length; i++) map.Data[i] = (float)rng.NextDouble();
        var up = Resize.Bilinear(map, 7, 10);
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 10; x++)
                Assert.Equal(TorchBilinear(map, y, x, 7, 10), up[y, x], 5);
        var down = Resize.Bilinear(map, 2, 3);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                Assert.Equal(TorchBilinear(map, y, x, 2, 3), down[y, x], 5);
    }

    /// <summary>Independent reference: torch's F.interpolate(bilinear, align_corners=False) for one output pixel.</summary>
    private static float TorchBilinear(AnomalyMap m, int oy, int ox, int outH, int outW)
    {
        static (int I0, int I1, double L) Axis(int o, int inSize, int outSize)
        {
            double src = Math.Max(0, (o + 0.5) * inSize / outSize - 0.5);
            int i0 = Math.Min((int)src, inSize - 1), i1 = Math.Min(i0 + 1, inSize - 1);
            return (i0, i1, src - i0);
        }
        var (y0, y1, ly) = Axis(oy, m.Height, outH);
        var (x0, x1, lx) = Axis(ox, m.Width, outW);
        return (float)((1 - ly) * ((1 - lx) * m[y0, x0] + lx * m[y0, x1]) + ly * ((1 - lx) * m[y1, x0] + lx * m[y1, x1]));
    }

    [Fact]
    public void NearestResizeKeepsLabelsAndUsesPixelCentres()
    {
        var mask = new Mask(2, 2, [1, 2, 3, 4]);
        Assert.Equal([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], Resize.Nearest(mask, 4, 4).Data);
        var wide = new Mask(1, 6, [10, 20, 30, 40, 50, 60]);
        Assert.Equal([20, 50], Resize.Nearest(wide, 1, 2).Data); // centres 1.5 and 4.5 → pixels 1 and 4
    }

    [Fact]
    public void CenterCropUsesTorchvisionOffsets()
    {
        var img = new ImageF(2, 5, 6);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = i;
        var crop = Crop.Center(img, 2, 3);
        // top = round(1.5) = 2 (half to even), left = round(1.5) = 2
        Assert.Equal(img[0, 2, 2], crop[0, 0, 0]);
        Assert.Equal(img[1, 3, 4], crop[1, 1, 2]);
        var mask = new Mask(4, 4);
        for (int i = 0; i < 16; i++) mask.Data[i] = (byte)i;
        Assert.Equal([5, 6, 9, 10], Crop.Center(mask, 2, 2).Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => Crop.Center(img, 6, 3));
    }

    [Fact]
    public void ColourConversionsAndNormalisation()
    {
        var gray = new ImageF(1, 2, 2, [0f, 0.5f, 1f, 0.25f]);
        var rgb = ColorConversion.ToRgb(gray);
        Assert.Equal(3, rgb.Channels);
        for (int c = 0; c < 3; c++) Assert.Equal(gray.Data, rgb.Plane(c).ToArray());
        Assert.Same(rgb, ColorConversion.ToRgb(rgb));
        var back = ColorConversion.ToGray(rgb);
        for (int i = 0; i < 4; i++) Assert.Equal(gray.Data[i], back.Data[i], 5);
        var red = new ImageF(3, 1, 1, [1f, 0f, 0f]);
        Assert.Equal(0.299f, ColorConversion.ToGray(red).Data[0], 6);

        var norm = Normalization.ImageNet(new ImageF(3, 1, 2, [0.485f, 1f, 0.456f, 0f, 0.406f, 0.5f]));
        Assert.Equal(0f, norm[0, 0, 0], 5);
        Assert.Equal((1 - 0.485f) / 0.229f, norm[0, 0, 1], 5);
        Assert.Equal(-0.456f / 0.224f, norm[1, 0, 1], 5);
        Assert.Equal((0.5f - 0.406f) / 0.225f, norm[2, 0, 1], 5);
        Assert.Throws<ArgumentException>(() => Normalization.ImageNet(gray));
    }

    [Theory]
    [InlineData(1f, 9, 11)]
    [InlineData(4f, 40, 37)]
    [InlineData(2.5f, 300, 260)] // large enough for the parallel path
    [InlineData(4f, 5, 6)]       // kernel longer than the image: reflection wraps more than once
    public void GaussianBlurMatchesDirect2DConvolutionWithReflectBorder(float sigma, int h, int w)
    {
        var rng = new Random(h * w);
        var plane = new float[h * w];
        for (int i = 0; i < plane.Length; i++) plane[i] = (float)rng.NextDouble();
        var expected = Direct(plane, h, w, sigma);
        GaussianBlur.Apply(plane, h, w, sigma);
        for (int i = 0; i < plane.Length; i += Math.Max(1, plane.Length / 2000)) Assert.Equal(expected[i], plane[i], 2e-6);
    }

    [Fact]
    public void GaussianKernelIsScipysTruncatedNormalisedGaussian()
    {
        var k = GaussianBlur.Kernel(4f);
        Assert.Equal(33, k.Length); // radius int(4·4 + 0.5) = 16
        Assert.Equal(1f, k.Sum(), 5);
        Assert.Equal(MathF.Exp(-0.5f), k[16 + 4] / k[16], 5);
        var map = new AnomalyMap(41, 41);
        map[20, 20] = 1;
        Assert.Same(map, GaussianBlur.Apply(map, 4f));
        Assert.Equal(k[16] * k[16], map[20, 20], 6);
        Assert.Equal(k[16 + 3] * k[16 - 5], map[23, 15], 6);
        var unchanged = new float[] { 1, 2, 3, 4 };
        GaussianBlur.Apply(unchanged, 2, 2, 0f);
        Assert.Equal([1f, 2, 3, 4], unchanged);
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(unchanged, 2, 2, -1f));
    }

    /// <summary>Naive reference: full 2-D sum with scipy's reflect index rule (d c b a | a b c d).</summary>
    private static float[] Direct(float[] src, int h, int w, float sigma)
    {
        int r = (int)(4 * sigma + 0.5);
        var g = new double[2 * r + 1];
        for (int i = -r; i <= r; i++) g[i + r] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        double s = g.Sum();
        for (int i = 0; i < g.Length; i++) g[i] /= s;
        static int Refl(int i, int n)
        {
            while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
            return i;
        }
        var dst = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double acc = 0;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++)
                        acc += g[dy + r] * g[dx + r] * src[Refl(y + dy, h) * w + Refl(x + dx, w)];
                dst[y * w + x] = (float)acc;
            }
        return dst;
    }
}
