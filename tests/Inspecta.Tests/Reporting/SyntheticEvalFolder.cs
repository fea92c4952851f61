using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Reporting;

namespace Inspecta.Tests.Reporting;

/// <summary>Writes the synthetic report's images, masks and maps to disk with an eval.json that points to them,
/// as <c>inspecta eval --json</c> does.</summary>
internal static class SyntheticEvalFolder
{
    public static string Write(string dir, ReportThreshold? threshold = null)
    {
        var input = SyntheticReport.Build();
        var entries = new List<ReportManifestImage>();
        foreach (var item in input.Items)
        {
            string stem = Path.Combine(dir, item.Label, item.Id);
            Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
            File.WriteAllBytes(stem + ".png", ReportImageEncoder.Png(item.LoadImage()));
            var map = item.LoadMap()!;
            ImageIO.WriteTiff(stem + ".tiff", map);
            var gt = item.LoadGroundTruth();
            var masks = new List<string>();
            if (gt is not null)
            {
                var img = new ImageF(1, gt.Height, gt.Width);
                for (int i = 0; i < gt.Data.Length; i++) img.Data[i] = gt.Data[i] != 0 ? 1f : 0f;
                File.WriteAllBytes(stem + "_mask.png", ReportImageEncoder.Png(img));
                masks.Add(stem + "_mask.png");
            }
            entries.Add(new ReportManifestImage(item.Label, item.Id, item.Score, stem + ".png", masks, stem + ".tiff"));
        }
        var manifest = new ReportManifest(entries)
        {
            Title = "Synthetic eval",
            Threshold = threshold,
            Limits = [0.05, 0.3],
            Context = [new("dataset", dir), new("category", "synthetic")],
        };
        var json = new JsonObject { ["category"] = "synthetic", [ReportManifest.JsonKey] = manifest.ToJson() };
        string path = Path.Combine(dir, "eval.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
