namespace Inspecta.Datasets;

/// <summary>
/// Category names that are textures (defects anywhere, no pose or shape to learn): MVTec AD's five texture
/// categories and the texture categories of Inspecta's synthetic generator. Methods with texture-specific
/// defaults (feature-dictionary's 512×512 working size) use it.
/// </summary>
public static class TextureCategories
{
    public static IReadOnlySet<string> Names { get; } =
        new HashSet<string>(["carpet", "grid", "leather", "tile", "wood", "weave", "marble", "tiles"], StringComparer.OrdinalIgnoreCase);

    public static bool Contains(string category) => Names.Contains(category);
}
