namespace Inspecta.Datasets;

/// <summary>
/// A dataset opened from disk: one category folder, or a root whose category folders may use different
/// layouts (e.g. MVTec AD and MVTec LOCO AD side by side, as <c>inspecta synth 2d</c> writes them).
/// </summary>
/// <param name="Root">The path that was opened (a dataset root or a single category folder).</param>
/// <param name="Categories">The readable categories, sorted by name (never empty).</param>
public sealed record Dataset(string Root, IReadOnlyList<Category> Categories)
{
    /// <summary>Category folders of a root that could not be read, sorted by name; the others remain usable.</summary>
    public IReadOnlyList<UnreadableCategory> Unreadable { get; init; } = [];

    /// <summary>The layout shared by every readable category; null when the root mixes layouts.</summary>
    public DatasetFormat? Format =>
        Categories.Select(c => c.Format).Distinct().ToList() is [var only] ? only : null;

    /// <summary>"mvtec_ad", "mvtec_loco", … or "mixed" when the categories use different layouts.</summary>
    public string FormatName => Format?.ToName() ?? "mixed";

    /// <summary>The category called <paramref name="name"/> (ordinal, case-insensitive). A user error listing the known
    /// ones when there is none, or saying why when that category's folder could not be read.</summary>
    public Category Get(string name)
    {
        var found = Categories.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        if (found is not null) return found;
        if (Unreadable.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase)) is { } broken)
            throw new InspectaUserException($"category '{broken.Name}' cannot be read: {broken.Problem}");
        throw new InspectaUserException($"{Root}: no category '{name}'. Known categories: {string.Join(", ", AllNames)}.");
    }

    /// <summary>A user error naming every unreadable category folder, when there is one (for commands that need them all).</summary>
    public void RequireAllReadable(string hint = "")
    {
        if (Unreadable.Count == 0) return;
        string problems = string.Join(Environment.NewLine, Unreadable.Select(u => $"  {u.Name}: {u.Problem}"));
        throw new InspectaUserException(
            $"{Root}: {Unreadable.Count} of {Categories.Count + Unreadable.Count} category folders cannot be read:{Environment.NewLine}{problems}"
            + (hint.Length > 0 ? Environment.NewLine + hint : ""));
    }

    /// <summary>Names of the readable and the unreadable categories, sorted.</summary>
    public IReadOnlyList<string> AllNames =>
        Categories.Select(c => c.Name).Concat(Unreadable.Select(u => u.Name)).Order(StringComparer.Ordinal).ToList();
}
