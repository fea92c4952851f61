namespace Inspecta.Datasets;

/// <summary>A dataset opened from disk: one or more categories of one layout.</summary>
/// <param name="Format">The layout (auto-detected or given).</param>
/// <param name="Root">The path that was opened (a dataset root or a single category folder).</param>
/// <param name="Categories">Categories sorted by name.</param>
public sealed record Dataset(DatasetFormat Format, string Root, IReadOnlyList<Category> Categories)
{
    /// <summary>The category called <paramref name="name"/> (ordinal, case-insensitive); a user error listing the known ones otherwise.</summary>
    public Category Get(string name) =>
        Categories.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InspectaUserException($"{Root}: no category '{name}'. Known categories: {string.Join(", ", Categories.Select(c => c.Name))}.");
}
