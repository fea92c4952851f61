namespace Inspecta.Datasets;

/// <summary>
/// MVTec LOCO AD: <c>train/good</c>, <c>validation/good</c>, <c>test/{good,logical_anomalies,structural_anomalies}</c>,
/// multi-channel ground truth <c>ground_truth/&lt;type&gt;/&lt;id&gt;/000.png, 001.png …</c> (one PNG per annotated
/// defect, its pixel value naming the defect type in <c>defects_config.json</c>). Masks keep raw values;
/// <see cref="Sample.LoadGroundTruthChannels"/> returns one mask per channel.
/// </summary>
public sealed class MvtecLocoReader : IDatasetLayout
{
    public DatasetFormat Format => DatasetFormat.MvtecLoco;
    public string Expected => "<category>/{train,validation}/good, <category>/test/{good,logical_anomalies,structural_anomalies}, <category>/ground_truth/<type>/<id>/000.png, <category>/defects_config.json";

    public bool IsCategory(string directory) =>
        File.Exists(Path.Combine(directory, LocoDefectsConfig.FileName)) ||
        Directory.Exists(Path.Combine(directory, "test", "logical_anomalies")) ||
        Directory.Exists(Path.Combine(directory, "test", "structural_anomalies"));

    public Category ReadCategory(string directory, int validationSeed)
    {
        string configPath = Path.Combine(directory, LocoDefectsConfig.FileName);
        var config = File.Exists(configPath) ? LocoDefectsConfig.Load(configPath) : null;
        var train = DatasetFiles.Samples(DatasetFiles.Images(Path.Combine(directory, "train", "good")), Split.Train, Sample.GoodLabel);
        string validationDir = Path.Combine(directory, "validation", "good");
        var validation = Directory.Exists(validationDir) ? DatasetFiles.Samples(DatasetFiles.Images(validationDir), Split.Validation, Sample.GoodLabel) : null;
        var test = new List<Sample>();
        foreach (string label in DatasetFiles.SubDirectories(Path.Combine(directory, "test")))
        {
            foreach (string file in DatasetFiles.Images(Path.Combine(directory, "test", label)))
            {
                var sample = new Sample(DatasetFiles.Stem(file), file, Split.Test, label);
                if (!sample.IsGood)
                {
                    string gtDir = Path.Combine(directory, "ground_truth", label, sample.Id);
                    var channels = DatasetFiles.Images(gtDir);
                    if (channels.Count == 0) throw DatasetFiles.MissingMask(file, $"channel PNGs in {gtDir}");
                    sample = sample with { MaskPaths = channels };
                }
                test.Add(sample);
            }
        }
        return DatasetFiles.Build(directory, Format, train, validation, test, validationSeed, config);
    }
}
