using Inspecta.Datasets;
using Inspecta.Detectors.VariationModel;
using Inspecta.Imaging;

namespace Inspecta.Tests.Detectors.Classical;

/// <summary>
/// Small procedural images for the classical baselines: an aligned printed disc (where a per-pixel
/// model shines) and a random texture (where only a patch-statistics model can work).
/// </summary>
internal static class ClassicalFixtures
{
    /// <summary>A fixed random block print on a disc; identical on every good part up to sensor noise.</summary>
    public static ImageF PrintedDisc(int size, int channels, int noiseSeed, double noise = 0.01)
    {
        var print = new Random(1234);
        int blocks = (size + 3) / 4;
        var blockValues = new float[channels, blocks, blocks];
        for (int c = 0; c < channels; c++)
            for (int by = 0; by < blocks; by++)
                for (int bx = 0; bx < blocks; bx++) blockValues[c, by, bx] = 0.3f + 0.5f * print.NextSingle();
        var rng = new Random(noiseSeed);
        var image = new ImageF(channels, size, size);
        double r = size * 0.38, cx = size * 0.5, cy = size * 0.5;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                    float v = d < r ? blockValues[c, y / 4, x / 4] : 0.05f;
                    // An asymmetric notch makes the rotation unambiguous.
                    if (x > cx + r * 0.7 && Math.Abs(y - cy) < r * 0.12) v = 0.95f;
                    image[c, y, x] = v + (float)(noise * Gaussian(rng));
                }
        return image;
    }

    /// <summary>Replaces a square of the print by a different random print: locally plausible, globally wrong.</summary>
    public static Mask Misprint(ImageF image, int top, int left, int side, int seed)
    {
        var rng = new Random(seed);
        var mask = new Mask(image.Height, image.Width);
        for (int by = top; by < top + side; by += 4)
            for (int bx = left; bx < left + side; bx += 4)
                for (int c = 0; c < image.Channels; c++)
                {
                    float v = 0.3f + 0.5f * rng.NextSingle();
                    for (int y = by; y < Math.Min(by + 4, top + side); y++)
                        for (int x = bx; x < Math.Min(bx + 4, left + side); x++) { image[c, y, x] = v; mask[y, x] = 1; }
                }
        return mask;
    }

    /// <summary>A thin bright line.</summary>
    public static Mask Scratch(ImageF image, int x0, int y0, int x1, int y1)
    {
        var mask = new Mask(image.Height, image.Width);
        int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0));
        for (int s = 0; s <= steps; s++)
        {
            int x = x0 + (x1 - x0) * s / steps, y = y0 + (y1 - y0) * s / steps;
            for (int dy = 0; dy < 2; dy++)
                for (int c = 0; c < image.Channels; c++) { image[c, y + dy, x] = 1f; mask[y + dy, x] = 1; }
        }
        return mask;
    }

    /// <summary>Independent smooth random texture (box-blurred white noise, mean 0.5, std ≈ 0.1).</summary>
    public static ImageF NoiseTexture(int size, int seed)
    {
        var rng = new Random(seed);
        var a = new float[size * size];
        for (int i = 0; i < a.Length; i++) a[i] = (float)Gaussian(rng);
        a = BoxBlur(BoxBlur(a, size), size);
        double mean = a.Average(), std = Math.Sqrt(a.Select(v => (v - mean) * (v - mean)).Average());
        for (int i = 0; i < a.Length; i++) a[i] = (float)(0.5 + 0.1 * (a[i] - mean) / std);
        return new ImageF(1, size, size, a);
    }

    /// <summary>
    /// A rough spot: inside a disc the smooth texture is replaced by white noise with the same mean and
    /// standard deviation, so every single pixel is distributed exactly as before (invisible to a
    /// per-pixel model) while the patches lose the texture's spatial correlation.
    /// </summary>
    public static Mask RoughSpot(ImageF image, double cx, double cy, double radius, int seed)
    {
        var rng = new Random(seed);
        var mask = new Mask(image.Height, image.Width);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > radius * radius) continue;
                for (int c = 0; c < image.Channels; c++) image[c, y, x] = (float)(0.5 + 0.1 * Gaussian(rng));
                mask[y, x] = 1;
            }
        return mask;
    }

    /// <summary>Renders <paramref name="source"/> as seen through <paramref name="toSource"/>: output(p) = source(T(p)).</summary>
    public static ImageF Warp(ImageF source, RigidTransform toSource, float fill = 0.05f)
    {
        var output = new ImageF(source.Channels, source.Height, source.Width);
        for (int y = 0; y < source.Height; y++)
            for (int x = 0; x < source.Width; x++)
            {
                var (sx, sy) = toSource.Apply(x, y);
                for (int c = 0; c < source.Channels; c++)
                    output[c, y, x] = sx < 0 || sy < 0 || sx > source.Width - 1 || sy > source.Height - 1 ? fill : Bilinear(source, c, sx, sy);
            }
        return output;
    }

    public static Mask Warp(Mask source, RigidTransform toSource)
    {
        var output = new Mask(source.Height, source.Width);
        for (int y = 0; y < source.Height; y++)
            for (int x = 0; x < source.Width; x++)
            {
                var (sx, sy) = toSource.Apply(x, y);
                int ix = (int)Math.Round(sx), iy = (int)Math.Round(sy);
                if (ix >= 0 && iy >= 0 && ix < source.Width && iy < source.Height) output[y, x] = source[iy, ix];
            }
        return output;
    }

    public static Sample Good(ImageF image, int id, Split split = Split.Train) =>
        new($"{id:D3}", "", split, Sample.GoodLabel) { Image = image, GroundTruth = new Mask(image.Height, image.Width) };

    public static Sample Defective(ImageF image, Mask mask, int id, string label = "defect") =>
        new($"{id:D3}", "", Split.Test, label) { Image = image, GroundTruth = mask };

    /// <summary>Image AUROC by the Mann–Whitney statistic (ties count half).</summary>
    public static double ImageAuroc(IReadOnlyList<float> goodScores, IReadOnlyList<float> badScores)
    {
        double wins = 0;
        foreach (float b in badScores)
            foreach (float g in goodScores) wins += b > g ? 1 : b == g ? 0.5 : 0;
        return wins / (goodScores.Count * (double)badScores.Count);
    }

    /// <summary>Pixel AUROC over a set of maps and masks (exact, by sorting).</summary>
    public static double PixelAuroc(IReadOnlyList<AnomalyMap> maps, IReadOnlyList<Mask> masks)
    {
        var pairs = new List<(float Score, bool Bad)>();
        for (int i = 0; i < maps.Count; i++)
            for (int p = 0; p < maps[i].Data.Length; p++) pairs.Add((maps[i].Data[p], masks[i].Data[p] != 0));
        pairs.Sort((a, b) => a.Score.CompareTo(b.Score));
        double rankSum = 0; long bad = 0, good = 0;
        for (int i = 0; i < pairs.Count;)
        {
            int j = i;
            while (j < pairs.Count && pairs[j].Score == pairs[i].Score) j++;
            double avgRank = (i + j + 1) / 2.0;
            for (int k = i; k < j; k++) if (pairs[k].Bad) { rankSum += avgRank; bad++; } else good++;
            i = j;
        }
        return (rankSum - bad * (bad + 1) / 2.0) / (bad * (double)good);
    }

    public static void AssertValidMap(AnomalyMap? map, int height, int width)
    {
        Assert.NotNull(map);
        Assert.Equal(height, map!.Height);
        Assert.Equal(width, map.Width);
        foreach (float v in map.Data) Assert.True(float.IsFinite(v), "anomaly map has a non-finite value");
    }

    private static float Bilinear(ImageF image, int c, double x, double y)
    {
        int x0 = Math.Min((int)x, image.Width - 2), y0 = Math.Min((int)y, image.Height - 2);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        float top = image[c, y0, x0] + fx * (image[c, y0, x0 + 1] - image[c, y0, x0]);
        float bottom = image[c, y0 + 1, x0] + fx * (image[c, y0 + 1, x0 + 1] - image[c, y0 + 1, x0]);
        return top + fy * (bottom - top);
    }

    private static float[] BoxBlur(float[] a, int size)
    {
        var b = new float[a.Length];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                float s = 0;
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++)
                        s += a[Math.Clamp(y + dy, 0, size - 1) * size + Math.Clamp(x + dx, 0, size - 1)];
                b[y * size + x] = s / 25f;
            }
        return b;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
