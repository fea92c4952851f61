using Inspecta.Imaging;
using Inspecta.Synthesis.TwoD;

namespace Inspecta.Torch.Methods.Draem;

/// <summary>
/// The anomaly source DRAEM pastes through its noise masks. The paper uses the Describable Textures Dataset; Inspecta
/// uses its own synthetic textures instead, so a fit needs no download: good images of the <c>synth 2d</c> texture
/// categories weave, marble and tiles (four each, generator seed 18, rendered at the working size, RGB). Being a pure
/// function of the size, they are not stored in the model file (prediction does not need them).
/// </summary>
internal static class AnomalyTextures
{
    public static readonly string[] Categories = ["weave", "marble", "tiles"];
    public const ulong GeneratorSeed = 18;
    public const int PerCategory = 4;

    /// <summary>What a checkpoint records about the source (a resumed fit must draw from the same one).</summary>
    public static string Description => $"inspecta synth 2d: {string.Join(", ", Categories)} × {PerCategory}, seed {GeneratorSeed}";

    public static ImageF[] Render(int size)
    {
        var generator = new Synth2DGenerator(new Synth2DOptions { Seed = GeneratorSeed, Size = size, TrainCount = PerCategory });
        var items = Categories.SelectMany(name =>
        {
            var category = Synth2DGenerator.GetCategory(name);
            return generator.Plan(category).Where(p => p.Split == Inspecta.Datasets.Split.Train).Select(p => (category, p));
        }).ToArray();
        var textures = new ImageF[items.Length];
        Parallel.For(0, items.Length, i =>
        {
            var image = generator.Generate(items[i].category, items[i].p).Image;
            textures[i] = image.Channels == 3 ? image : ColorConversion.ToRgb(image);
        });
        return textures;
    }
}
