namespace Inspecta.Datasets;

/// <summary>
/// A category folder of a dataset root that could not be read (missing masks, a layout other than the one
/// forced with --format, …). It does not stop the root's other categories from being used; asking for it by
/// name (<see cref="Dataset.Get"/>) raises <see cref="Problem"/> as a user error.
/// </summary>
/// <param name="Problem">What is wrong, naming the offending file or folder.</param>
public sealed record UnreadableCategory(string Name, string Path, string Problem);
