namespace Inspecta.Datasets;

/// <summary>
/// A generic folder for your own data, one category per folder:
/// <code>
/// &lt;cat&gt;/good/            normal images (required)
/// &lt;cat&gt;/&lt;defect&gt;/        defect images, one folder per defect type (any other name)
/// &lt;cat&gt;/mask/ or ground_truth/   optional masks: &lt;defect&gt;/&lt;stem&gt;[_mask].png, or flat &lt;stem&gt;[_mask].png
/// </code>
/// Good images are split deterministically: 20% (seeded, at least one when there are defect images) go to
/// test, the rest to train, then 10% of train is carved for validation. When a mask folder exists,
/// every defect image needs a mask; without one the category has image-level labels only
/// (<see cref="Category.HasPixelGroundTruth"/> is false).
/// </summary>
public sealed class FolderReader : IDatasetLayout
{
    public const double GoodTestFraction = 0.2;
    private static readonly string[] MaskFolders = ["mask", "masks", "ground_truth"];

    public DatasetFormat Format => DatasetFormat.Folder;
    public string Expected => "<category>/good, <category>/<defect>, optional <category>/mask/<defect>/<stem>.png";

    public bool IsCategory(string directory) => Directory.Exists(Path.Combine(directory, Sample.GoodLabel));

    public Category ReadCategory(string directory, int validationSeed)
    {
        string? maskRoot = MaskFolders.Select(m => Path.Combine(directory, m)).FirstOrDefault(Directory.Exists);
        var defects = new List<Sample>();
        foreach (string label in DatasetFiles.SubDirectories(directory))
        {
            if (label == Sample.GoodLabel || MaskFolders.Contains(label)) continue;
            foreach (string file in DatasetFiles.Images(Path.Combine(directory, label)))
            {
                var sample = new Sample(DatasetFiles.Stem(file), file, Split.Test, label);
                if (maskRoot is not null)
                {
                    string mask = DatasetFiles.FindByStem(Path.Combine(maskRoot, label), sample.Id, "_mask", "")
                        ?? DatasetFiles.FindByStem(maskRoot, sample.Id, "_mask", "")
                        ?? throw DatasetFiles.MissingMask(file, $"{Path.Combine(maskRoot, label, sample.Id + "_mask.png")} or {Path.Combine(maskRoot, sample.Id + "_mask.png")}");
                    sample = sample with { MaskPaths = [mask] };
                }
                defects.Add(sample);
            }
        }
        var good = DatasetFiles.Samples(DatasetFiles.Images(Path.Combine(directory, Sample.GoodLabel)), Split.Train, Sample.GoodLabel);
        // Reuse the seeded carving with a different seed stream for the good test share.
        int testGood = good.Count < 2 ? 0 : Math.Max(defects.Count > 0 ? 1 : 0, (int)Math.Round(good.Count * GoodTestFraction, MidpointRounding.AwayFromZero));
        var (train, goodTest) = SplitOff(good, testGood, validationSeed ^ 0x5EED);
        var test = goodTest.Select(s => s with { Split = Split.Test }).Concat(defects).ToList();
        return DatasetFiles.Build(directory, Format, train, null, test, validationSeed, hasPixelGroundTruth: maskRoot is not null);
    }

    private static (List<Sample> Keep, List<Sample> Taken) SplitOff(List<Sample> samples, int count, int seed)
    {
        if (count == 0) return (samples, []);
        var order = Enumerable.Range(0, samples.Count).OrderBy(i => Hash(seed, samples[i].Id)).ThenBy(i => i).Take(count).ToHashSet();
        return (samples.Where((_, i) => !order.Contains(i)).ToList(), samples.Where((_, i) => order.Contains(i)).ToList());
    }

    /// <summary>FNV-1a over the seed and id: stable across runs and .NET versions (string.GetHashCode is randomised).</summary>
    private static ulong Hash(int seed, string id)
    {
        ulong h = 14695981039346656037UL ^ (uint)seed;
        foreach (char c in id) { h ^= c; h *= 1099511628211UL; }
        return h;
    }
}
