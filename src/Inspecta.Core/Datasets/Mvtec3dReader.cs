namespace Inspecta.Datasets;

/// <summary>
/// MVTec 3D-AD: <c>&lt;cat&gt;/{train,validation,test}/&lt;defect|good&gt;/{rgb/*.png, xyz/*.tiff, gt/*.png}</c>.
/// <see cref="Sample.Path"/> is the rgb image, <see cref="Sample.GeometryPath"/> the organised xyz TIFF
/// (read it with <see cref="Mvtec3dXyz.Read"/>), the gt PNG the mask (good test samples carry an empty one).
/// </summary>
public sealed class Mvtec3dReader : IDatasetLayout
{
    public DatasetFormat Format => DatasetFormat.Mvtec3d;
    public string Expected => "<category>/{train,validation,test}/<defect|good>/{rgb,xyz,gt}/";

    public bool IsCategory(string directory) =>
        Directory.Exists(Path.Combine(directory, "train", "good", "rgb")) ||
        (Directory.Exists(Path.Combine(directory, "test")) && Directory.EnumerateDirectories(Path.Combine(directory, "test")).Any(d => Directory.Exists(Path.Combine(d, "rgb"))));

    public Category ReadCategory(string directory, int validationSeed)
    {
        var train = ReadSplit(directory, "train", Split.Train);
        var validation = Directory.Exists(Path.Combine(directory, "validation")) ? ReadSplit(directory, "validation", Split.Validation) : null;
        var test = ReadSplit(directory, "test", Split.Test);
        return DatasetFiles.Build(directory, Format, train, validation, test, validationSeed);
    }

    private static List<Sample> ReadSplit(string directory, string splitName, Split split)
    {
        var samples = new List<Sample>();
        foreach (string label in DatasetFiles.SubDirectories(Path.Combine(directory, splitName)))
        {
            string labelDir = Path.Combine(directory, splitName, label);
            foreach (string rgb in DatasetFiles.Images(Path.Combine(labelDir, "rgb")))
            {
                string id = DatasetFiles.Stem(rgb);
                string xyz = DatasetFiles.FindByStem(Path.Combine(labelDir, "xyz"), id, "")
                    ?? throw InspectaUserException.ForFile(rgb, $"no xyz scan for this rgb image (expected {Path.Combine(labelDir, "xyz", id + ".tiff")}).");
                string? gt = DatasetFiles.FindByStem(Path.Combine(labelDir, "gt"), id, "");
                var sample = new Sample(id, rgb, split, label) { GeometryPath = xyz };
                if (gt is not null) sample = sample with { MaskPaths = [gt] };
                else if (!sample.IsGood) throw DatasetFiles.MissingMask(rgb, Path.Combine(labelDir, "gt", id + ".png"));
                samples.Add(sample);
            }
        }
        return samples;
    }
}
