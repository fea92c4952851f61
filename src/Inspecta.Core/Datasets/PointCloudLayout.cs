namespace Inspecta.Datasets;

/// <summary>
/// The shared shape of the point-cloud anomaly datasets (Real3D-AD, Anomaly-ShapeNet):
/// <c>&lt;class&gt;/train/*template*.pcd</c> (defect-free templates), <c>&lt;class&gt;/test/*.pcd</c> and one
/// per-point ground-truth file <c>&lt;gt folder&gt;/&lt;stem&gt;.txt</c> (<c>x y z label</c>) per test cloud.
/// <see cref="Sample.Path"/> and <see cref="Sample.GeometryPath"/> are the cloud, <see cref="Sample.PointLabelsPath"/>
/// the ground truth (null for a good test cloud without one: all points normal). Every template is used for
/// training, as in the benchmarks' protocol (a category has only a handful), so validation stays empty.
/// </summary>
public abstract class PointCloudLayout : IDatasetLayout
{
    public abstract DatasetFormat Format { get; }
    public abstract string Expected { get; }

    /// <summary>Name of the ground-truth folder inside a category.</summary>
    protected abstract string GroundTruthFolder { get; }

    /// <summary>"good" or the defect type of a test cloud, from its file stem.</summary>
    protected abstract string LabelOf(string categoryName, string stem);

    public virtual bool IsCategory(string directory) =>
        Directory.Exists(Path.Combine(directory, "train")) && Directory.Exists(Path.Combine(directory, "test"))
        && Directory.Exists(Path.Combine(directory, GroundTruthFolder))
        && Clouds(Path.Combine(directory, "train")).Count > 0;

    public Category ReadCategory(string directory, int validationSeed)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var train = Clouds(Path.Combine(directory, "train")).Select(f => new Sample(DatasetFiles.Stem(f), f, Split.Train, Sample.GoodLabel) { GeometryPath = f }).ToList();
        var test = new List<Sample>();
        string gtDir = Path.Combine(directory, GroundTruthFolder);
        foreach (string file in Clouds(Path.Combine(directory, "test")))
        {
            string stem = DatasetFiles.Stem(file);
            string label = LabelOf(name, stem);
            string gt = Path.Combine(gtDir, stem + ".txt");
            string? labels = File.Exists(gt) ? gt : null;
            if (labels is null && label != Sample.GoodLabel)
                throw InspectaUserException.ForFile(file, $"defect point cloud has no per-point ground truth (expected {gt}).");
            test.Add(new Sample(stem, file, Split.Test, label) { GeometryPath = file, PointLabelsPath = labels });
        }
        return DatasetFiles.Build(directory, Format, train, [], test, validationSeed, hasPixelGroundTruth: false);
    }

    /// <summary>The <c>.pcd</c> files directly in <paramref name="dir"/>, sorted ordinally.</summary>
    protected static IReadOnlyList<string> Clouds(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.pcd").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>"bulge0" → "bulge": the trailing instance number is not part of the defect type.</summary>
    protected static string TrimDigits(string s) => s.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9').TrimEnd('_');
}
