namespace Inspecta.Datasets;

/// <summary>
/// Opens a dataset folder of any registered layout. The path may be one category folder or a root
/// holding several. Without an explicit format each folder's layout is detected on its own (the first layout in
/// <see cref="Layouts"/> that recognises it), so a root may mix layouts, e.g. MVTec AD and MVTec LOCO AD categories.
/// In a root, a category folder that cannot be read does not block the others: it is listed in
/// <see cref="Dataset.Unreadable"/> with the reason, and only asking for it fails.
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

    /// <summary>The layout that recognises <paramref name="directory"/> as one of its categories, or null.</summary>
    public static IDatasetLayout? Detect(string directory) => Layouts.FirstOrDefault(l => l.IsCategory(directory));

    /// <param name="format">Forces one layout; a root's category folders in another layout are then reported as unreadable.</param>
    public static Dataset Open(string path, DatasetFormat? format = null, int validationSeed = 0)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InspectaUserException("No dataset path given.");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!Directory.Exists(full))
            throw InspectaUserException.ForFile(path, File.Exists(full) ? "is a file; expected a dataset folder." : "dataset folder not found.");

        var forced = format is { } f ? LayoutFor(f) : null;
        var candidates = forced is null ? Layouts : [forced];

        // One category? Its problems are the dataset's problems.
        foreach (var layout in candidates)
            if (layout.IsCategory(full))
                return new Dataset(full, [layout.ReadCategory(full, validationSeed)]);
        if (forced is not null && Detect(full) is { } other)
            throw InspectaUserException.ForFile(path, $"not a {forced.Format.ToName()} dataset: it is a {other.Format.ToName()} category folder (drop --format to detect it). Expected {forced.Expected}.");

        // A root of categories, each detected and read on its own.
        var categories = new List<Category>();
        var unreadable = new List<UnreadableCategory>();
        foreach (string name in DatasetFiles.SubDirectories(full))
        {
            string dir = Path.Combine(full, name);
            var detected = Detect(dir);
            var layout = forced is null ? detected : forced.IsCategory(dir) ? forced : null;
            if (layout is null)
            {
                // A folder of another layout than the forced one is reported, not dropped silently;
                // folders that are no category at all (VisA's split_csv, docs, …) are skipped.
                if (forced is not null && detected is not null)
                    unreadable.Add(new UnreadableCategory(name, dir,
                        $"{dir}: a {detected.Format.ToName()} category, not {forced.Format.ToName()} (without --format each category's layout is detected)."));
                continue;
            }
            try { categories.Add(layout.ReadCategory(dir, validationSeed)); }
            catch (Exception e) when (e is InspectaUserException or IOException or UnauthorizedAccessException)
            {
                string problem = e is InspectaUserException ? e.Message : $"{dir}: {e.Message}";
                if (detected is not null && detected.Format != layout.Format)
                    problem = problem.TrimEnd('.') + $"; the folder looks like a {detected.Format.ToName()} category (without --format each category's layout is detected).";
                unreadable.Add(new UnreadableCategory(name, dir, problem));
            }
        }
        if (categories.Count == 0 && unreadable.Count == 0)
        {
            string expected = string.Join("; ", candidates.Select(l => $"{l.Format.ToName()}: {l.Expected}"));
            // The commonest first attempt: a folder of good images. Say what to do before the list of layouts.
            int images = DatasetFiles.Images(full).Count;
            string plain = images == 0 ? "" :
                $"it holds {images} image(s) directly, like a plain folder of good images: fit them with `inspecta fit --train {path}`, " +
                $"or move them into a category's good folder ({Path.Combine(path, "<category>", "good")}{Path.DirectorySeparatorChar}…; defect images into <category>/<defect>/) and pass --dataset {path}. ";
            throw InspectaUserException.ForFile(path, forced is null
                ? $"not a recognised dataset (neither a category folder nor a folder of categories); {plain}Expected one of — {expected}."
                : $"not a {forced.Format.ToName()} dataset. Expected {expected}.");
        }
        var dataset = new Dataset(full, categories.OrderBy(c => c.Name, StringComparer.Ordinal).ToList()) { Unreadable = unreadable };
        if (categories.Count == 0) dataset.RequireAllReadable();   // nothing usable: say why for every folder
        return dataset;
    }
}
