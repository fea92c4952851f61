namespace Inspecta.Datasets;

/// <summary>
/// BTAD (beanTech): <c>&lt;cat&gt;/train/ok</c>, <c>&lt;cat&gt;/test/{ok,ko}</c>, <c>&lt;cat&gt;/ground_truth/ko/&lt;id&gt;.png|bmp</c>.
/// "ok" becomes the label "good"; "ko" stays the defect label. Validation is carved from train.
/// </summary>
public sealed class BtadReader : IDatasetLayout
{
    public DatasetFormat Format => DatasetFormat.Btad;
    public string Expected => "<category>/train/ok, <category>/test/{ok,ko}, <category>/ground_truth/ko/<id>.png";

    public bool IsCategory(string directory) =>
        Directory.Exists(Path.Combine(directory, "train", "ok")) || Directory.Exists(Path.Combine(directory, "test", "ok")) || Directory.Exists(Path.Combine(directory, "test", "ko"));

    public Category ReadCategory(string directory, int validationSeed)
    {
        var train = DatasetFiles.Samples(DatasetFiles.Images(Path.Combine(directory, "train", "ok")), Split.Train, Sample.GoodLabel);
        var test = new List<Sample>();
        foreach (string folder in DatasetFiles.SubDirectories(Path.Combine(directory, "test")))
        {
            string label = folder == "ok" ? Sample.GoodLabel : folder;
            foreach (string file in DatasetFiles.Images(Path.Combine(directory, "test", folder)))
            {
                var sample = new Sample(DatasetFiles.Stem(file), file, Split.Test, label);
                if (!sample.IsGood)
                {
                    string gtDir = Path.Combine(directory, "ground_truth", folder);
                    string mask = DatasetFiles.FindByStem(gtDir, sample.Id, "", "_mask") ?? throw DatasetFiles.MissingMask(file, Path.Combine(gtDir, sample.Id + ".png"));
                    sample = sample with { MaskPaths = [mask] };
                }
                test.Add(sample);
            }
        }
        return DatasetFiles.Build(directory, Format, train, null, test, validationSeed);
    }
}
