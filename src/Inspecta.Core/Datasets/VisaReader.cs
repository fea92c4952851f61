namespace Inspecta.Datasets;

/// <summary>
/// VisA: category folders <c>&lt;root&gt;/&lt;cat&gt;/Data/{Images/{Normal,Anomaly},Masks/Anomaly}</c> with the split in
/// <c>&lt;root&gt;/split_csv/1cls.csv</c> (columns object, split, label, image, mask; paths relative to the root;
/// label "normal" or "anomaly"). Anomalies become the defect label "anomaly"; validation is carved from train.
/// </summary>
public sealed class VisaReader : IDatasetLayout
{
    public const string SplitCsv = "split_csv/1cls.csv";

    public DatasetFormat Format => DatasetFormat.Visa;
    public string Expected => "<root>/split_csv/1cls.csv and <root>/<category>/Data/Images/{Normal,Anomaly}";

    public bool IsCategory(string directory) =>
        Directory.Exists(Path.Combine(directory, "Data", "Images")) && CsvPath(directory) is not null;

    private static string? CsvPath(string categoryDir)
    {
        string? root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(categoryDir)));
        if (root is null) return null;
        string csv = Path.Combine(root, SplitCsv);
        return File.Exists(csv) ? csv : null;
    }

    public Category ReadCategory(string directory, int validationSeed)
    {
        string csv = CsvPath(directory) ?? throw InspectaUserException.ForFile(directory, $"VisA category without {SplitCsv} in its parent folder.");
        string root = Path.GetDirectoryName(Path.GetDirectoryName(csv)!)!;
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var lines = File.ReadAllLines(csv);
        if (lines.Length == 0) throw InspectaUserException.ForFile(csv, "empty split file.");
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string col) => header.IndexOf(col) is var i and >= 0 ? i : throw InspectaUserException.ForFile(csv, $"missing column '{col}' (expected object,split,label,image,mask).");
        int cObject = Col("object"), cSplit = Col("split"), cLabel = Col("label"), cImage = Col("image"), cMask = Col("mask");
        var train = new List<Sample>();
        var test = new List<Sample>();
        for (int n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            var f = lines[n].Split(',');
            if (f.Length < header.Count) throw InspectaUserException.ForFile(csv, $"line {n + 1} has {f.Length} fields, expected {header.Count}.");
            if (!string.Equals(f[cObject].Trim(), name, StringComparison.Ordinal)) continue;
            string image = Path.Combine(root, f[cImage].Trim());
            if (!File.Exists(image)) throw InspectaUserException.ForFile(image, $"listed in {csv} line {n + 1} but missing.");
            string label = f[cLabel].Trim().ToLowerInvariant() switch
            {
                "normal" => Sample.GoodLabel,
                "anomaly" => "anomaly",
                var other => throw InspectaUserException.ForFile(csv, $"line {n + 1}: unknown label '{other}' (expected normal or anomaly)."),
            };
            var split = f[cSplit].Trim().ToLowerInvariant() switch
            {
                "train" => Split.Train,
                "test" => Split.Test,
                var other => throw InspectaUserException.ForFile(csv, $"line {n + 1}: unknown split '{other}' (expected train or test)."),
            };
            var sample = new Sample(DatasetFiles.Stem(image), image, split, label);
            string maskField = f[cMask].Trim();
            if (maskField.Length > 0)
            {
                string mask = Path.Combine(root, maskField);
                if (!File.Exists(mask)) throw InspectaUserException.ForFile(mask, $"mask listed in {csv} line {n + 1} but missing.");
                sample = sample with { MaskPaths = [mask] };
            }
            else if (!sample.IsGood) throw DatasetFiles.MissingMask(image, $"a mask path in {csv} line {n + 1}");
            if (split == Split.Train && !sample.IsGood) throw InspectaUserException.ForFile(csv, $"line {n + 1}: an anomaly in the train split.");
            (split == Split.Train ? train : test).Add(sample);
        }
        if (train.Count + test.Count == 0) throw InspectaUserException.ForFile(csv, $"no rows for category '{name}'.");
        return DatasetFiles.Build(directory, Format, train, null, test, validationSeed);
    }
}
