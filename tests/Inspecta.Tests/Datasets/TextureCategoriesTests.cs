using Inspecta.Datasets;
using Inspecta.Synthesis.TwoD;

namespace Inspecta.Tests.Datasets;

public class TextureCategoriesTests
{
    [Fact]
    public void KnowsMvtecTexturesAndAgreesWithTheSyntheticGenerator()
    {
        foreach (var name in new[] { "carpet", "grid", "leather", "tile", "wood", "Carpet" }) Assert.True(TextureCategories.Contains(name), name);
        foreach (var name in new[] { "bottle", "screw", "breakfast_box" }) Assert.False(TextureCategories.Contains(name), name);
        // Every synthetic category is classified as its renderer says, so a new generator category cannot drift.
        foreach (var renderer in Synth2DGenerator.Categories) Assert.True(renderer.IsTexture == TextureCategories.Contains(renderer.Name), renderer.Name);
    }
}
