using Inspecta.Datasets;
using Inspecta.Synthesis.TwoD;

namespace Inspecta.Torch.Tests;

/// <summary>Small in-memory synthetic categories for fast training tests.</summary>
internal static class TinyData
{
    public static (List<Sample> Train, List<Sample> Test) Category(string name, int train = 8, int size = 64, int testGood = 3, int perDefect = 2, ulong seed = 7)
    {
        var generator = new Synth2DGenerator(new Synth2DOptions { Seed = seed, Size = size, TrainCount = train, TestGoodCount = testGood, TestPerDefect = perDefect });
        var category = Synth2DGenerator.GetCategory(name);
        var samples = generator.Plan(category).AsParallel().AsOrdered().Select(item => generator.Generate(category, item).ToSample()).ToList();
        return (samples.Where(s => s.Split == Split.Train).ToList(), samples.Where(s => s.Split == Split.Test).ToList());
    }
}
