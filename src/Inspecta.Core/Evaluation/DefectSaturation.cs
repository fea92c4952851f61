using Inspecta.Datasets;

namespace Inspecta.Evaluation;

/// <summary>
/// MVTec LOCO AD saturation rule of one defect type (an entry of <c>defects_config.json</c>): a region counts as
/// fully detected once this many of its pixels are predicted anomalous.
/// </summary>
/// <param name="PixelValue">The value the defect's ground-truth channel images hold.</param>
/// <param name="Threshold">A fraction of the region area when <paramref name="Relative"/>, else a pixel count.</param>
public sealed record DefectSaturation(string Name, int PixelValue, double Threshold, bool Relative)
{
    /// <summary>
    /// The official definition: <c>int(t · area)</c> when relative, <c>min(t, area)</c> when absolute. Clamped to at
    /// least one pixel, where the official code would divide by zero for tiny regions with a small relative t.
    /// </summary>
    public double SaturationArea(int regionArea)
    {
        double s = Relative ? Math.Truncate(Threshold * regionArea) : Math.Min(Threshold, regionArea);
        return Math.Max(s, 1);
    }

    /// <summary>The saturation rules of a category's parsed <c>defects_config.json</c>; a LOCO category without one is a
    /// user error naming the category folder (AU-sPRO cannot be computed without it).</summary>
    public static IReadOnlyList<DefectSaturation> FromCategory(Category category) =>
        category.DefectsConfig?.Entries.Select(e => new DefectSaturation(e.DefectName, e.PixelValue, e.SaturationThreshold, e.RelativeSaturation)).ToList()
        ?? throw InspectaUserException.ForFile(category.Path, $"MVTec LOCO AD category has no {LocoDefectsConfig.FileName}; AU-sPRO needs its saturation thresholds.");
}
