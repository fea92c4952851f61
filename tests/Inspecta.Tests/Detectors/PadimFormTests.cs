using Inspecta.Detectors.Registry;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Padim;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors;

public class PadimFormTests
{
    internal static Sample[] Synthetic(int count, int seed, int size = 96)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var img = new ImageF(3, size, size);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                        img[c, y, x] = 0.5f + 0.3f * MathF.Sin((x + y * (c + 1)) * 0.2f) + 0.05f * (float)rng.NextDouble();
            return new Sample($"{i:000}", "", Split.Train, "good") { Image = img };
        }).ToArray();
    }

    private static string ResNet18 => TestBackbones.ResNet18;

    [Fact]
    public void DualAndPrimalFormsGiveTheSameDistances()
    {
        var train = Synthetic(12, 1);
        var test = Synthetic(2, 99)[1];
        var options = new PadimOptions { Backbone = ResNet18, ImageSize = 96, FeatureChannels = 40 };
        using var primal = new PadimDetector(options) { FormOverride = false };
        using var dual = new PadimDetector(options) { FormOverride = true };
        primal.Fit(train); dual.Fit(train);
        Assert.False(primal.DualForm);
        Assert.True(dual.DualForm);
        var a = primal.Predict(test).Map!; var b = dual.Predict(test).Map!;
        float max = a.Max();
        for (int i = 0; i < a.Data.Length; i++) Assert.True(Math.Abs(a.Data[i] - b.Data[i]) <= 2e-3f * max, $"pixel {i}: {a.Data[i]} vs {b.Data[i]}");
    }

    [Fact]
    public void ReloadedModelGivesBitIdenticalMapsAndMemoryLimitIsEnforced()
    {
        using var tmp = new TempDir();
        var train = Synthetic(6, 2);
        var test = Synthetic(1, 7)[0];
        using var d = new PadimDetector(new PadimOptions { Backbone = ResNet18, ImageSize = 96, FeatureChannels = 30 });
        d.Fit(train);
        var writer = new ModelWriter(d.Method);
        d.Save(writer);
        writer.WriteTo(tmp["p.inspecta"]);
        using var back = (PadimDetector)MethodRegistry.Default.Load(ModelReader.Open(tmp["p.inspecta"]));
        Assert.Equal(d.Predict(test).Map!.Data, back.Predict(test).Map!.Data);

        using var tooBig = new PadimDetector(new PadimOptions { Backbone = ResNet18, ImageSize = 96, MaxMemoryBytes = 1000 });
        var ex = Assert.Throws<InspectaUserException>(() => tooBig.Fit(train));
        Assert.Contains("--max-memory", ex.Message);
        Assert.Throws<InspectaUserException>(() => new PadimDetector(new PadimOptions { Backbone = ResNet18 }).Fit(train[..1]));
    }
}
