namespace Inspecta.Datasets;

/// <summary>
/// One on-disk layout. <see cref="DatasetReader"/> asks every registered layout whether a folder is one of
/// its categories; adding a layout is one class plus one line in <see cref="DatasetReader.Layouts"/>.
/// </summary>
public interface IDatasetLayout
{
    DatasetFormat Format { get; }

    /// <summary>A short description of the expected folders, shown when detection fails.</summary>
    string Expected { get; }

    /// <summary>True when <paramref name="directory"/> looks like one category of this layout (cheap: folder probes only).</summary>
    bool IsCategory(string directory);

    /// <summary>Reads one category folder; missing masks and similar problems are user errors here.</summary>
    Category ReadCategory(string directory, int validationSeed);
}
