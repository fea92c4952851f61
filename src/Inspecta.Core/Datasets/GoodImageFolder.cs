namespace Inspecta.Datasets;

/// <summary>
/// A plain folder of good images, as a user first has them (<c>fit --train &lt;folder&gt;</c>, <c>fit --validation
/// &lt;folder&gt;</c>): no layout, no defects, no test split. Images directly in the folder, hidden files skipped, in name order.
/// </summary>
public static class GoodImageFolder
{
    /// <summary>The good images directly in <paramref name="folder"/>; a user error naming the folder when it has none.</summary>
    public static List<Sample> Read(string folder, Split split, string option)
    {
        if (!Directory.Exists(folder))
            throw InspectaUserException.ForFile(folder, File.Exists(folder) ? $"{option} takes a folder of good images, not a file." : $"{option}: folder not found.");
        var files = DatasetFiles.Images(folder);
        if (files.Count == 0)
            throw InspectaUserException.ForFile(folder, $"{option}: the folder holds no images (png, jpg, bmp, tif) directly" +
                (DatasetFiles.SubDirectories(folder).Count > 0 ? "; it has sub-folders: give a dataset with --dataset, or the folder of good images itself." : "."));
        return DatasetFiles.Samples(files.Select(Path.GetFullPath), split, Sample.GoodLabel);
    }

    /// <summary>A trainable category from a folder of good images: 10 % carved for validation (seeded), no test images.</summary>
    public static Category Category(string folder, int seed) =>
        DatasetFiles.Build(folder, DatasetFormat.Folder, Read(folder, Split.Train, "--train"), null, [], seed, hasPixelGroundTruth: false);

    /// <summary>
    /// <paramref name="category"/> validated on the good images of <paramref name="folder"/> instead of its own validation
    /// images: what was carved from train goes back to train (in file order); a layout's own validation folder is replaced.
    /// </summary>
    public static Category WithValidation(Category category, string folder)
    {
        ArgumentNullException.ThrowIfNull(category);
        var validation = Read(folder, Split.Validation, "--validation");
        var train = category.ValidationCarved
            ? category.Train.Concat(category.Validation.Select(s => s with { Split = Split.Train })).OrderBy(s => s.Path, StringComparer.Ordinal).ToList()
            : category.Train.ToList();
        var trainPaths = train.Select(s => Path.GetFullPath(s.Path)).ToHashSet(StringComparer.Ordinal);
        if (validation.FirstOrDefault(s => trainPaths.Contains(s.Path)) is { } both)
            throw InspectaUserException.ForFile(both.Path, "is both a training and a validation image: --validation must hold other good images than the training ones.");
        return category with { Train = train, Validation = validation, ValidationCarved = false };
    }
}
