using Inspecta.Imaging;

namespace Inspecta.Tests.Datasets;

/// <summary>Writes tiny datasets in every supported layout for reader and CLI tests.</summary>
internal static class SyntheticDatasets
{
    public const int H = 6, W = 8;

    public static void Image(string path, int channels = 3, int h = H, int w = W, int seed = 0)
    {
        var img = new ImageF(channels, h, w);
        var rng = new Random(seed);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = rng.Next(256) / 255f;
        if (path.EndsWith(".tiff", StringComparison.Ordinal)) ImageIO.WriteTiff(path, img);
        else ImageIO.WritePng(path, img);
    }

    /// <summary>A mask with <paramref name="pixels"/> pixels set to <paramref name="value"/> in the top-left.</summary>
    public static void MaskFile(string path, int pixels = 4, byte value = 255, int h = H, int w = W)
    {
        var m = new Mask(h, w);
        for (int i = 0; i < pixels; i++) m.Data[i] = value;
        ImageIO.WritePng(path, m);
    }

    /// <summary>MVTec AD: train/good ×<paramref name="train"/>, test/good ×2, test/crack ×3 with masks.</summary>
    public static string MvtecAd(string root, string name = "widget", int train = 10, int channels = 3)
    {
        string cat = Path.Combine(root, name);
        for (int i = 0; i < train; i++) Image(Path.Combine(cat, "train", "good", $"{i:000}.png"), channels, seed: i);
        for (int i = 0; i < 2; i++) Image(Path.Combine(cat, "test", "good", $"{i:000}.png"), channels, seed: 100 + i);
        for (int i = 0; i < 3; i++)
        {
            Image(Path.Combine(cat, "test", "crack", $"{i:000}.png"), channels, seed: 200 + i);
            MaskFile(Path.Combine(cat, "ground_truth", "crack", $"{i:000}_mask.png"), pixels: 4 * (i + 1));
        }
        return cat;
    }

    public static string Loco(string root, string name = "boxes")
    {
        string cat = Path.Combine(root, name);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(cat).FullName, "defects_config.json"),
            """
            [{"defect_name": "missing_box", "pixel_value": 200, "saturation_threshold": 500, "relative_saturation": false},
             {"defect_name": "scratch", "pixel_value": 255, "saturation_threshold": 1.0, "relative_saturation": true}]
            """);
        for (int i = 0; i < 5; i++) Image(Path.Combine(cat, "train", "good", $"{i:000}.png"), seed: i);
        for (int i = 0; i < 2; i++) Image(Path.Combine(cat, "validation", "good", $"{i:000}.png"), seed: 50 + i);
        Image(Path.Combine(cat, "test", "good", "000.png"), seed: 60);
        Image(Path.Combine(cat, "test", "logical_anomalies", "000.png"), seed: 61);
        MaskFile(Path.Combine(cat, "ground_truth", "logical_anomalies", "000", "000.png"), 3, 200);
        MaskFile(Path.Combine(cat, "ground_truth", "logical_anomalies", "000", "001.png"), 7, 255);
        Image(Path.Combine(cat, "test", "structural_anomalies", "000.png"), seed: 62);
        MaskFile(Path.Combine(cat, "ground_truth", "structural_anomalies", "000", "000.png"), 5, 255);
        return cat;
    }

    public static string Mvtec3d(string root, string name = "cookie")
    {
        string cat = Path.Combine(root, name);
        void Item(string split, string label, int i, bool gt)
        {
            string d = Path.Combine(cat, split, label);
            Image(Path.Combine(d, "rgb", $"{i:000}.png"), seed: i);
            Image(Path.Combine(d, "xyz", $"{i:000}.tiff"), seed: i + 1);
            if (gt) MaskFile(Path.Combine(d, "gt", $"{i:000}.png"), label == "good" ? 0 : 6);
        }
        for (int i = 0; i < 4; i++) Item("train", "good", i, false);
        for (int i = 0; i < 2; i++) Item("validation", "good", i, false);
        Item("test", "good", 0, true);
        Item("test", "crack", 0, true);
        Item("test", "crack", 1, true);
        return cat;
    }

    public static string Visa(string root)
    {
        var rows = new List<string> { "object,split,label,image,mask" };
        foreach (string name in new[] { "candle", "pcb1" })
        {
            for (int i = 0; i < 6; i++)
            {
                string rel = $"{name}/Data/Images/Normal/{i:0000}.JPG";
                Image(Path.Combine(root, rel) + ".png", seed: i);
                File.Move(Path.Combine(root, rel) + ".png", Path.Combine(root, rel)); // VisA ships .JPG names; content format is detected
                rows.Add($"{name},{(i < 5 ? "train" : "test")},normal,{rel},");
            }
            for (int i = 0; i < 2; i++)
            {
                string rel = $"{name}/Data/Images/Anomaly/{i:000}.png", mask = $"{name}/Data/Masks/Anomaly/{i:000}.png";
                Image(Path.Combine(root, rel), seed: 10 + i);
                MaskFile(Path.Combine(root, mask), 5, 1); // VisA masks hold small label values
                rows.Add($"{name},test,anomaly,{rel},{mask}");
            }
        }
        Directory.CreateDirectory(Path.Combine(root, "split_csv"));
        File.WriteAllLines(Path.Combine(root, "split_csv", "1cls.csv"), rows);
        return root;
    }

    public static string Btad(string root, string name = "01")
    {
        string cat = Path.Combine(root, name);
        for (int i = 0; i < 10; i++) Image(Path.Combine(cat, "train", "ok", $"{i:0000}.png"), seed: i);
        Image(Path.Combine(cat, "test", "ok", "0000.png"), seed: 20);
        for (int i = 0; i < 2; i++)
        {
            Image(Path.Combine(cat, "test", "ko", $"{i:0000}.png"), seed: 30 + i);
            MaskFile(Path.Combine(cat, "ground_truth", "ko", $"{i:0000}.png"));
        }
        return cat;
    }

    public static string Folder(string root, string name = "parts", bool masks = true)
    {
        string cat = Path.Combine(root, name);
        for (int i = 0; i < 10; i++) Image(Path.Combine(cat, "good", $"g{i}.png"), seed: i);
        for (int i = 0; i < 2; i++)
        {
            Image(Path.Combine(cat, "dent", $"d{i}.png"), seed: 20 + i);
            if (masks) MaskFile(Path.Combine(cat, "mask", "dent", $"d{i}.png"));
        }
        Image(Path.Combine(cat, "scratch", "s0.png"), seed: 30);
        if (masks) MaskFile(Path.Combine(cat, "mask", "s0_mask.png"));
        return cat;
    }
}
