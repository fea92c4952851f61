using Inspecta.Datasets;
using Inspecta.Evaluation;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Evaluation;

/// <summary>Reads the golden metric folders directly for the metric-core tests (maps and masks independent of the dataset
/// readers; the LOCO saturation config through the product's one parser of defects_config.json).</summary>
internal static class GoldenData
{
    public static string MvtecDir => Path.Combine(SharedData.GoldenDir, "mvtec_ad_style");
    public static string LocoDir => Path.Combine(SharedData.GoldenDir, "loco_style");

    public static List<EvaluatedImage> LoadMvtec()
    {
        string root = Path.Combine(MvtecDir, "dataset", "toy");
        var images = new List<EvaluatedImage>();
        foreach (string labelDir in Directory.GetDirectories(Path.Combine(root, "test")).Order(StringComparer.Ordinal))
        {
            string label = Path.GetFileName(labelDir);
            foreach (string png in Directory.GetFiles(labelDir, "*.png").Order(StringComparer.Ordinal))
            {
                string id = Path.GetFileNameWithoutExtension(png);
                var map = ReadMap(Path.Combine(MvtecDir, "anomaly_maps", "toy", "test", label, id + ".tiff"));
                string maskPath = Path.Combine(root, "ground_truth", label, id + "_mask.png");
                var gt = File.Exists(maskPath) ? ReadMask(maskPath) : new Mask(map.Height, map.Width);
                images.Add(EvaluatedImage.FromMap(label, id, map, gt));
            }
        }
        return images;
    }

    public static List<EvaluatedImage> LoadLoco()
    {
        string root = Path.Combine(LocoDir, "dataset", "toy_loco");
        var images = new List<EvaluatedImage>();
        foreach (string labelDir in Directory.GetDirectories(Path.Combine(root, "test")).Order(StringComparer.Ordinal))
        {
            string label = Path.GetFileName(labelDir);
            foreach (string png in Directory.GetFiles(labelDir, "*.png").Order(StringComparer.Ordinal))
            {
                string id = Path.GetFileNameWithoutExtension(png);
                var map = ReadMap(Path.Combine(LocoDir, "anomaly_maps", "toy_loco", "test", label, id + ".tiff"));
                string gtDir = Path.Combine(root, "ground_truth", label, id);
                var channels = Directory.Exists(gtDir)
                    ? Directory.GetFiles(gtDir, "*.png").Order(StringComparer.Ordinal).Select(ReadRawMask).ToList()
                    : [];
                var union = new Mask(map.Height, map.Width);
                foreach (var c in channels)
                    for (int i = 0; i < union.Data.Length; i++) if (c.Data[i] != 0) union.Data[i] = 255;
                images.Add(EvaluatedImage.FromMap(label, id, map, union) with { Channels = channels.Count > 0 ? channels : null });
            }
        }
        return images;
    }

    public static IReadOnlyList<DefectSaturation> LocoDefects() =>
        DefectSaturation.FromCategory(DatasetReader.Open(Path.Combine(LocoDir, "dataset")).Get("toy_loco"));

    public static AnomalyMap ReadMap(string path) => AnomalyMap.FromImage(ImageIO.Read(path));

    public static Mask ReadMask(string path)
    {
        var raw = ReadRawMask(path);
        for (int i = 0; i < raw.Data.Length; i++) if (raw.Data[i] != 0) raw.Data[i] = 255;
        return raw;
    }

    /// <summary>Keeps the pixel values (LOCO channels carry their defect type's value).</summary>
    public static Mask ReadRawMask(string path)
    {
        var img = ImageIO.Read(path);
        var m = new Mask(img.Height, img.Width);
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = (byte)Math.Round(img.Data[i] * 255f);
        return m;
    }
}
