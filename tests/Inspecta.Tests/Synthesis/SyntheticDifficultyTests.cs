using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Detectors.Options;
using Inspecta.Detectors.PatchCore;
using Inspecta.Detectors.Registry;
using Inspecta.Detectors.VariationModel;
using Inspecta.Evaluation;
using Inspecta.Synthesis.TwoD;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Synthesis;

/// <summary>
/// The synthetic data must separate good methods from bad ones: pose, lighting and texture variation
/// defeat a per-pixel variation model, while patch-feature methods still find the defects.
/// </summary>
public class SyntheticDifficultyTests
{
    private static readonly Synth2DGenerator Generator = new(new Synth2DOptions { Seed = 1, Size = 128, TrainCount = 24, TestPerDefect = 3, TestGoodCount = 6 });

    private static EvaluationResult Evaluate(string category, string method, MethodOptions options)
    {
        var cat = Synth2DGenerator.GetCategory(category);
        var plan = Generator.Plan(cat);
        var train = plan.Where(p => p.Split == Split.Train).Select(p => Generator.Generate(cat, p).ToSample()).ToList();
        var test = plan.Where(p => p.Split == Split.Test).Select(p => Generator.Generate(cat, p).ToSample()).ToList();
        var detector = MethodRegistry.Default.Get(method).Create(options);
        detector.Fit(train);
        var images = test.Select(s => { var p = detector.Predict(s); return new EvaluatedImage(s.Label, s.Id, p.Score, p.Map!, s.GroundTruth!); }).ToList();
        return MetricsEvaluator.Evaluate(images, new EvaluationOptions { Category = category });
    }

    [Theory]
    [InlineData("weave")]
    [InlineData("flange")]
    [InlineData("screw")]
    public void A_per_pixel_variation_model_does_not_solve_textures_or_posed_objects(string category)
    {
        var r = Evaluate(category, "variation", new VariationOptions { Alignment = "rigid" });
        Assert.True(r.ImageAuroc < 0.95 && r.AuProAtDefaultLimit < 0.9,
            $"{category}: variation model reaches image AUROC {r.ImageAuroc:F3}, AU-PRO {r.AuProAtDefaultLimit:F3}; the data is too easy");
        Assert.True(r.PixelAuroc > 0.55, $"{category}: pixel AUROC {r.PixelAuroc:F3}; defects should still be partly visible");
    }

    [Fact]
    public void PatchCore_clearly_beats_the_variation_model_and_is_not_perfect_everywhere()
    {
        string backbone = TestBackbones.ResNet18;
        var results = new List<(string Cat, EvaluationResult Pc, EvaluationResult Vm)>();
        foreach (var category in new[] { "tiles", "screw" })
            results.Add((category, Evaluate(category, "patchcore", new PatchCoreOptions { Backbone = backbone }), Evaluate(category, "variation", new VariationOptions { Alignment = "rigid" })));
        foreach (var (cat, pc, vm) in results)
            Assert.True(pc.PixelAuroc > vm.PixelAuroc + 0.05,
                $"{cat}: PatchCore pixel AUROC {pc.PixelAuroc:F3} vs variation {vm.PixelAuroc:F3}");
        Assert.Contains(results, r => r.Pc.ImageAuroc < 1.0 || r.Pc.AuProAtDefaultLimit < 0.99);
    }
}
