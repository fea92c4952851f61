namespace Inspecta.Datasets;

/// <summary>
/// Opens a dataset folder of any registered layout. The path may be one category folder or a root
/// holding several; without an explicit format the layout is detected from the folder structure
/// (the first layout in <see cref="Layouts"/> that recognises the folder, or for a root the layout that
/// recognises the most sub-folders).
/// </summary>
public static class DatasetReader
{
    /// <summary>Registered layouts, most specific first (detection order). Add new layouts here.</summary>
    public static IReadOnlyList<IDatasetLayout> Layouts { get; } =
    [
        new MvtecLocoReader(),
        new Mvtec3dReader(),
        new AnomalyShapeNetReader(),
        new Real3dAdReader(),
        new VisaReader(),
        new BtadReader(),
        new MvtecAdReader(),
        new FolderReader(),
    ];

    public static IDatasetLayout LayoutFor(DatasetFormat format) =>
        Layouts.FirstOrDefault(l => l.Format == format) ?? throw new InspectaUserException($"No reader is registered for dataset format {format.ToName()}.");

    public static Dataset Open(string path, DatasetFormat? format = null, int validationSeed = 0)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InspectaUserException("No dataset path given.");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(full))
            throw InspectaUserException.ForFile(path, File.Exists(full) ? "is a file; expected a dataset folder." : "dataset folder not found.");

        var candidates = format is { } f ? [LayoutFor(f)] : Layouts;

        // One category?
        foreach (var layout in candidates)
            if (layout.IsCategory(full))
                return new Dataset(layout.Format, full, [layout.ReadCategory(full, validationSeed)]);

        // A root of categories: the layout matching the most sub-folders wins (ties: registry order).
        var subdirs = DatasetFiles.SubDirectories(full).Select(d => Path.Combine(full, d)).ToList();
        IDatasetLayout? best = null;
        List<string> bestDirs = [];
        foreach (var layout in candidates)
        {
            var dirs = subdirs.Where(layout.IsCategory).ToList();
            if (dirs.Count > bestDirs.Count) { best = layout; bestDirs = dirs; }
        }
        if (best is null)
        {
            string expected = string.Join("; ", candidates.Select(l => $"{l.Format.ToName()}: {l.Expected}"));
            throw InspectaUserException.ForFile(path, format is null
                ? $"not a recognised dataset (neither a category folder nor a folder of categories). Expected one of — {expected}."
                : $"not a {format.Value.ToName()} dataset. Expected {expected}.");
        }
        var categories = bestDirs.Select(d => best.ReadCategory(d, validationSeed)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        return new Dataset(best.Format, full, categories);
    }
}
