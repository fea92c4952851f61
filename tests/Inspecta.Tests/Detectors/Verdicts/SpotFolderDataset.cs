using Inspecta.Imaging;

namespace Inspecta.Tests.Detectors.Verdicts;

/// <summary>
/// A plain-folder dataset (<c>&lt;cat&gt;/good</c>, <c>&lt;cat&gt;/spot</c>, <c>&lt;cat&gt;/mask/spot</c>) of noisy grey 64×64
/// images; the defects are bright discs from one pixel to a large blob, so that the minimum defect area decides some of them.
/// </summary>
internal static class SpotFolderDataset
{
    public const int Size = 64;

    public static string Write(string root, string name = "spots", int good = 60, int defective = 12)
    {
        string cat = Path.Combine(root, name);
        for (int i = 0; i < good; i++) WriteImage(Path.Combine(cat, "good", $"{i:000}.png"), Texture(i));
        for (int i = 0; i < defective; i++)
        {
            var image = Texture(1000 + i);
            var mask = new Mask(Size, Size);
            // Radii 0..5 twice over: 1 px, 5 px, 13 px … 81 px discs.
            int radius = i % 6, cy = 12 + 7 * i % 40, cx = 12 + 11 * i % 40;
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= radius * radius)
                    {
                        image[0, y, x] = Math.Min(1f, image[0, y, x] + 0.35f);
                        mask[y, x] = 255;
                    }
            WriteImage(Path.Combine(cat, "spot", $"{i:000}.png"), image);
            Directory.CreateDirectory(Path.Combine(cat, "mask", "spot"));
            ImageIO.WritePng(Path.Combine(cat, "mask", "spot", $"{i:000}_mask.png"), mask);
        }
        return cat;
    }

    private static ImageF Texture(int seed)
    {
        var rng = new Random(seed);
        var img = new ImageF(1, Size, Size);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                img[0, y, x] = Math.Clamp(0.4f + 0.2f * x / Size + 0.04f * (float)(rng.NextDouble() - 0.5), 0f, 1f);
        return img;
    }

    private static void WriteImage(string path, ImageF image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageIO.WritePng(path, image);
    }
}
