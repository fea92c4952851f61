namespace Inspecta.Datasets;

/// <summary>
/// MVTec AD: <c>&lt;cat&gt;/train/good</c>, <c>&lt;cat&gt;/test/&lt;defect|good&gt;</c>,
/// <c>&lt;cat&gt;/ground_truth/&lt;defect&gt;/&lt;id&gt;_mask.png</c>. No validation folder: 10% of train is carved.
/// Three categories (grid, screw, zipper) are grayscale; images keep their channel count.
/// </summary>
public sealed class MvtecAdReader : IDatasetLayout
{
    public DatasetFormat Format => DatasetFormat.MvtecAd;
    public string Expected => "<category>/train/good, <category>/test/<defect>, <category>/ground_truth/<defect>/<id>_mask.png";

    public bool IsCategory(string directory) =>
        Directory.Exists(Path.Combine(directory, "test")) &&
        (Directory.Exists(Path.Combine(directory, "train", "good")) || Directory.Exists(Path.Combine(directory, "ground_truth")) || Directory.Exists(Path.Combine(directory, "test", "good")));

    public Category ReadCategory(string directory, int validationSeed)
    {
        var train = DatasetFiles.Samples(DatasetFiles.Images(Path.Combine(directory, "train", "good")), Split.Train, Sample.GoodLabel);
        var test = new List<Sample>();
        foreach (string label in DatasetFiles.SubDirectories(Path.Combine(directory, "test")))
        {
            foreach (string file in DatasetFiles.Images(Path.Combine(directory, "test", label)))
            {
                var sample = new Sample(DatasetFiles.Stem(file), file, Split.Test, label);
                if (!sample.IsGood)
                {
                    string gtDir = Path.Combine(directory, "ground_truth", label);
                    string mask = DatasetFiles.FindByStem(gtDir, sample.Id, "_mask", "")
                        ?? throw DatasetFiles.MissingMask(file, Path.Combine(gtDir, sample.Id + "_mask.png"));
                    sample = sample with { MaskPaths = [mask] };
                }
                test.Add(sample);
            }
        }
        return DatasetFiles.Build(directory, Format, train, null, test, validationSeed);
    }
}
