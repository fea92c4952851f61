using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Evaluation;
using Inspecta.Synthesis.TwoD;
using Xunit.Abstractions;
namespace Inspecta.Tests.Synthesis;
public class SyntheticDifficultyProbe(ITestOutputHelper o)
{
    [Fact]
    public void Probe()
    {
        if (Environment.GetEnvironmentVariable("SYNTH_PROBE") is null) return;
        var gen = new Synth2DGenerator(new Synth2DOptions { Seed = 1, Size = 128, TrainCount = 30, TestPerDefect = 4, TestGoodCount = 8 });
        foreach (var cat in Synth2DGenerator.Categories)
        {
            var plan = gen.Plan(cat);
            var train = plan.Where(p => p.Split == Split.Train).Select(p => gen.Generate(cat, p).ToSample()).ToList();
            var test = plan.Where(p => p.Split == Split.Test).Select(p => gen.Generate(cat, p).ToSample()).ToList();
            foreach (var align in new[] { "none", "rigid" })
            {
                var det = DetectorCatalog.Get("variation").Create(new FitOptions { Alignment = align });
                det.Fit(train);
                var imgs = test.Select(s => { var p = det.Predict(s); return new EvaluatedImage(s.Label, s.Id, p.Score, p.Map!, s.GroundTruth!); }).ToList();
                var r = MetricsEvaluator.Evaluate(imgs, new EvaluationOptions { Category = cat.Name });
                o.WriteLine($"{cat.Name} variation/{align}: img {r.ImageAuroc:F3} pix {r.PixelAuroc:F3} pro {r.AuProAtDefaultLimit:F3}");
            }
        }
    }
}
