using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Synthesis.TwoD.Defects;

namespace Inspecta.Synthesis.TwoD;

/// <summary>
/// Writes synthetic 2D categories to disk: MVTec AD layout (<c>train/good</c>, <c>test/&lt;defect&gt;</c>,
/// <c>ground_truth/&lt;defect&gt;/&lt;id&gt;_mask.png</c>) or, for categories with logical anomalies, MVTec LOCO AD
/// layout (<c>validation/good</c>, <c>test/{logical,structural}_anomalies</c>, one GT image per region under
/// <c>ground_truth/&lt;group&gt;/&lt;id&gt;/000.png…</c>, and <c>defects_config.json</c>).
/// </summary>
public static class Synth2DWriter
{
    public static void Write(string outDir, IReadOnlyList<CategoryRenderer2D> categories, Synth2DOptions options,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var generator = new Synth2DGenerator(options);
        var jobs = categories.SelectMany(c => generator.Plan(c).Select(p => (Category: c, Plan: p))).ToList();
        foreach (var category in categories.Where(c => c.IsLoco))
        {
            Directory.CreateDirectory(Path.Combine(outDir, category.Name));
            File.WriteAllText(Path.Combine(outDir, category.Name, "defects_config.json"), DefectsConfig(category).ToJsonString(new() { WriteIndented = true }) + "\n");
        }
        long done = 0;
        progress?.Report(new ProgressUpdate("2D images", 0, jobs.Count));
        Parallel.ForEach(jobs, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            var sample = generator.Generate(job.Category, job.Plan);
            WriteSample(Path.Combine(outDir, job.Category.Name), job.Category, sample);
            progress?.Report(new ProgressUpdate("2D images", Interlocked.Increment(ref done), jobs.Count));
        });
    }

    /// <summary>Writes one sample (image and ground truth) under the category folder; returns the image path.</summary>
    public static string WriteSample(string root, CategoryRenderer2D category, SyntheticImage2D s)
    {
        string split = s.Split switch { Split.Train => "train", Split.Validation => "validation", _ => "test" };
        string dir = Path.Combine(root, split, s.Label);
        Directory.CreateDirectory(dir);
        string imagePath = Path.Combine(dir, s.Id + ".png");
        ImageIO.WritePng(imagePath, s.Image);
        if (s.DefectType is null)
            return imagePath;
        if (!category.IsLoco)
        {
            string gtDir = Path.Combine(root, "ground_truth", s.Label);
            Directory.CreateDirectory(gtDir);
            ImageIO.WritePng(Path.Combine(gtDir, s.Id + "_mask.png"), s.UnionMask());
            return imagePath;
        }
        // LOCO: one image per region, holding the defect type's pixel value.
        byte value = PixelValue(category, s.DefectType);
        string regionDir = Path.Combine(root, "ground_truth", s.Label, s.Id);
        Directory.CreateDirectory(regionDir);
        for (int r = 0; r < s.Masks.Count; r++)
        {
            var m = new Mask(s.Masks[r].Height, s.Masks[r].Width);
            for (int i = 0; i < m.Data.Length; i++) if (s.Masks[r].Data[i] != 0) m.Data[i] = value;
            ImageIO.WritePng(Path.Combine(regionDir, r.ToString("000", System.Globalization.CultureInfo.InvariantCulture) + ".png"), m);
        }
        return imagePath;
    }

    /// <summary>Distinct pixel values per defect type, counting down from 255 as in MVTec LOCO AD.</summary>
    public static byte PixelValue(CategoryRenderer2D category, string defectType)
    {
        var all = category.LogicalTypes.Concat(category.DefectTypes).ToList();
        int index = all.IndexOf(defectType);
        if (index < 0) throw new ArgumentException($"'{defectType}' is not a defect of {category.Name}.", nameof(defectType));
        return (byte)(255 - index);
    }

    /// <summary>
    /// Saturation rules: a missing, misplaced or recoloured part is found once its whole region is covered
    /// (relative 1.0); an extra part once as many pixels as the smallest part has (absolute); structural
    /// defects need half their area.
    /// </summary>
    public static JsonArray DefectsConfig(CategoryRenderer2D category)
    {
        var list = new JsonArray();
        foreach (var type in category.LogicalTypes.Concat(category.DefectTypes))
        {
            bool extra = type == DefectTypes2D.ExtraComponent;
            bool logical = category.LogicalTypes.Contains(type);
            list.Add(new JsonObject
            {
                ["defect_name"] = type,
                ["pixel_value"] = PixelValue(category, type),
                ["saturation_threshold"] = extra ? 40.0 : logical ? 1.0 : 0.5,
                ["relative_saturation"] = !extra,
            });
        }
        return list;
    }
}
