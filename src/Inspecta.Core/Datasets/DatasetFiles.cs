namespace Inspecta.Datasets;

/// <summary>Folder and file helpers shared by the layout readers.</summary>
internal static class DatasetFiles
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff" };

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    /// <summary>Image files directly in <paramref name="dir"/>, sorted ordinally by name; empty when the folder is absent.</summary>
    public static IReadOnlyList<string> Images(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Where(IsImage).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Sub-folder names of <paramref name="dir"/>, sorted, hidden ones skipped.</summary>
    public static IReadOnlyList<string> SubDirectories(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateDirectories(dir).Select(d => Path.GetFileName(d)!).Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];

    public static string Stem(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>The first existing image in <paramref name="dir"/> named <c>stem + suffix + ext</c> for any suffix and image extension.</summary>
    public static string? FindByStem(string dir, string stem, params string[] suffixes)
    {
        if (!Directory.Exists(dir)) return null;
        foreach (string suffix in suffixes)
            foreach (string ext in (string[])[".png", ".bmp", ".tif", ".tiff", ".jpg", ".jpeg", ".PNG", ".BMP"])
            {
                string p = Path.Combine(dir, stem + suffix + ext);
                if (File.Exists(p)) return p;
            }
        return null;
    }

    public static List<Sample> Samples(IEnumerable<string> files, Split split, string label) =>
        files.Select(f => new Sample(Stem(f), f, split, label)).ToList();

    public static InspectaUserException MissingMask(string image, string expectedWhere) =>
        InspectaUserException.ForFile(image, $"defect image has no ground-truth mask (expected {expectedWhere}).");

    /// <summary>
    /// Builds a category: an explicit validation list when given, else a seeded 10% carved from train
    /// (see <see cref="ValidationSplit"/>).
    /// </summary>
    public static Category Build(string dir, DatasetFormat format, List<Sample> train, List<Sample>? validation, List<Sample> test, int seed,
        LocoDefectsConfig? config = null, bool hasPixelGroundTruth = true)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
        bool carved = validation is null;
        if (validation is null) (train, validation) = ValidationSplit.Carve(train, seed);
        return new Category(name, Path.GetFullPath(dir), format, train, validation, test)
        {
            ValidationCarved = carved,
            DefectsConfig = config,
            HasPixelGroundTruth = hasPixelGroundTruth,
        };
    }
}
