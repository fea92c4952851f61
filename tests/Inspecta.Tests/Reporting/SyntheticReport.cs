using Inspecta.Imaging;
using Inspecta.Reporting;

namespace Inspecta.Tests.Reporting;

/// <summary>A small, fully known report input: grey-gradient images with square defects, maps that
/// peak on the defect, one missed defect and one false alarm (at threshold 0.5).</summary>
internal static class SyntheticReport
{
    public const int Size = 96;

    public static ReportInput Build(int perLabel = 4, string[]? labels = null)
    {
        labels ??= ["good", "scratch", "hole"];
        var items = new List<GalleryItem>();
        var rng = new Random(7);
        foreach (string label in labels)
            for (int k = 0; k < perLabel; k++)
            {
                bool good = label == "good";
                int cy = 20 + rng.Next(50), cx = 20 + rng.Next(50);
                // The first defective image of each type is missed (low peak); the first good one is a false alarm.
                float peak = good ? (k == 0 ? 0.8f : 0.3f) : (k == 0 ? 0.35f : 0.6f + 0.1f * k);
                var gt = good ? null : Square(cy, cx, 6);
                var map = Blob(cy, cx, peak);
                float score = map.Max();
                string id = k.ToString("D3");
                items.Add(new GalleryItem(id, label, score)
                {
                    LoadImage = () => Gradient(label.Length + k),
                    LoadMap = () => map,
                    LoadGroundTruth = () => gt,
                    SourcePath = $"test/{label}/{id}.png",
                });
            }
        return new ReportInput
        {
            Title = "Synthetic report",
            Context = [new("dataset", "synthetic"), new("method", "test")],
            Metrics = [new("image AUROC", 0.875), new("AU-PRO", 0.61, "FPR limit 0.3")],
            ImageRoc = new ReportCurve([0, 0, 0.25, 1], [0, 0.75, 1, 1], 0.875),
            PixelRoc = new ReportCurve([0, 0.1, 1], [0, 0.9, 1], 0.9),
            Pro = new ReportCurve([0, 0.05, 0.3, 1], [0, 0.4, 0.8, 1], 0.61),
            ProLimits = [0.3, 0.05],
            Threshold = new ReportThreshold(0.5f, "test threshold"),
            Items = items,
        };
    }

    public static ImageF Gradient(int seed)
    {
        var img = new ImageF(3, Size, Size);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                    img[c, y, x] = (0.2f + 0.6f * x / Size + 0.05f * c + 0.01f * seed) % 1f;
        return img;
    }

    public static Mask Square(int cy, int cx, int r)
    {
        var m = new Mask(Size, Size);
        for (int y = cy - r; y <= cy + r; y++) for (int x = cx - r; x <= cx + r; x++) m[y, x] = 255;
        return m;
    }

    /// <summary>A Gaussian blob at quarter resolution (maps are often coarser than images).</summary>
    public static AnomalyMap Blob(int cy, int cx, float peak)
    {
        int s = Size / 4;
        var map = new AnomalyMap(s, s);
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                float dy = (y + 0.5f) * 4 - cy, dx = (x + 0.5f) * 4 - cx;
                map[y, x] = 0.05f + (peak - 0.05f) * MathF.Exp(-(dy * dy + dx * dx) / 60f);
            }
        return map;
    }
}
